//! A list response the way a hand-written client would model it: the
//! documented fields, plain derives, unknown and custom fields ignored.

#![allow(dead_code, reason = "the fields are decoded to be timed, not read")]

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
pub struct LeadList {
    pub data: Vec<Lead>,
    pub has_more: bool,
    #[serde(default)]
    pub total_results: Option<i64>,
}

#[derive(Deserialize)]
pub struct Lead {
    pub id: String,
    pub contact_ids: Vec<String>,
    pub created_by: Option<String>,
    pub date_created: DateTime<FixedOffset>,
    pub date_updated: DateTime<FixedOffset>,
    pub description: Option<String>,
    pub html_url: String,
    pub name: Option<String>,
    pub organization_id: String,
    pub status_id: String,
    pub updated_by: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub status_label: Option<String>,
    #[serde(default)]
    pub addresses: Option<Vec<Address>>,
    #[serde(default)]
    pub tasks: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    pub contacts: Option<Vec<Contact>>,
    #[serde(default)]
    pub opportunities: Option<Vec<Opportunity>>,
    #[serde(default)]
    pub integration_links: Option<Vec<IntegrationLink>>,
    #[serde(default)]
    pub contacts_summary: Option<String>,
    #[serde(default)]
    pub created_by_name: Option<String>,
    #[serde(default)]
    pub updated_by_name: Option<String>,
    #[serde(default)]
    pub localtime: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub primary_address_summary: Option<String>,
    #[serde(default)]
    pub primary_email: Option<Email>,
    #[serde(default)]
    pub primary_phone: Option<Phone>,
    #[serde(default)]
    pub recent_calls: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    pub summaries: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Deserialize)]
pub struct Address {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub address_1: Option<String>,
    #[serde(default)]
    pub address_2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub zipcode: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub tz_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub struct Contact {
    pub id: String,
    pub name: Option<String>,
    pub display_name: String,
    pub title: Option<String>,
    pub organization_id: String,
    #[serde(default)]
    pub lead_id: Option<String>,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub date_created: DateTime<FixedOffset>,
    pub date_updated: DateTime<FixedOffset>,
    #[serde(default)]
    pub emails: Option<Vec<Email>>,
    #[serde(default)]
    pub phones: Option<Vec<Phone>>,
    #[serde(default)]
    pub urls: Option<Vec<Url>>,
}

#[derive(Deserialize)]
pub struct Email {
    pub email: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub is_unsubscribed: Option<bool>,
}

#[derive(Deserialize)]
pub struct Phone {
    pub phone: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub phone_formatted: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub outbound_sms_blocked: Option<bool>,
    #[serde(default)]
    pub tz_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub struct Url {
    pub url: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize)]
pub struct IntegrationLink {
    pub name: String,
    pub url: String,
}

#[derive(Deserialize)]
pub struct Opportunity {
    pub id: String,
    pub lead_id: String,
    #[serde(default)]
    pub lead_name: Option<String>,
    pub contact_id: Option<String>,
    pub user_id: String,
    #[serde(default)]
    pub user_name: Option<String>,
    pub status_id: String,
    #[serde(default)]
    pub status_label: Option<String>,
    #[serde(default)]
    pub status_type: Option<StatusType>,
    #[serde(default)]
    pub pipeline_id: Option<String>,
    #[serde(default)]
    pub pipeline_name: Option<String>,
    pub value: Option<i64>,
    pub value_period: ValuePeriod,
    #[serde(default)]
    pub value_currency: Option<String>,
    #[serde(default)]
    pub value_formatted: Option<String>,
    pub expected_value: Option<i64>,
    pub annualized_value: Option<i64>,
    pub annualized_expected_value: Option<i64>,
    pub confidence: i64,
    pub note: Option<String>,
    pub date_won: Option<NaiveDate>,
    pub date_lost: Option<DateTime<FixedOffset>>,
    pub date_created: DateTime<FixedOffset>,
    pub date_updated: DateTime<FixedOffset>,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub organization_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusType {
    Active,
    Won,
    Lost,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValuePeriod {
    OneTime,
    Monthly,
    Annual,
}
