//! `Timestamp`, the type of `format: date-time`: a date and time with its
//! UTC offset that encodes back the way it was written.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date and time with its UTC offset (`format: date-time`).
///
/// It encodes as RFC 3339 with the offset it was given and with 0, 6 or 9
/// fraction digits, whichever holds the value exactly, as Python's
/// `isoformat` does: `2013-02-01T00:54:51.333000+00:00` round-trips as
/// written. Dereferences to [`chrono::DateTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// The inner `chrono` value.
    pub fn into_inner(self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<Tz: chrono::TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(value: DateTime<Tz>) -> Self {
        Timestamp(value.fixed_offset())
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s).map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.timestamp_subsec_nanos();
        let digits = if nanos == 0 {
            SecondsFormat::Secs
        } else if nanos.is_multiple_of(1_000) {
            SecondsFormat::Micros
        } else {
            SecondsFormat::Nanos
        };
        f.write_str(&self.0.to_rfc3339_opts(digits, false))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 date-time: {e}"))
        })
    }
}
