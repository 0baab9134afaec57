//! Pagination → the `Paginate` impl and the `pages` / `items` streams of a
//! paginated operation's builder (`x-pagination`, recorded in the IR as
//! `Pagination`).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, type_tokens};
use crate::ir::{Operation, PageField, Pagination, PaginationStyle, Presence};

/// `page.<field>` as an `Option<&T>`, whatever the field's presence.
fn page_field(field: &PageField) -> TokenStream {
    let name = ident(&field.rust_name);
    match field.presence {
        Presence::Required => quote! { Some(&page.#name) },
        Presence::RequiredNullable | Presence::Optional => quote! { page.#name.as_ref() },
        Presence::OptionalNullable => quote! { page.#name.as_ref().and_then(Option::as_ref) },
    }
}

/// The `Paginate` impl and the `pages` / `items` streams of a builder.
pub(crate) fn paginate(
    op: &Operation,
    pagination: &Pagination,
    builder: &TokenStream,
    page: &TokenStream,
    item: &TokenStream,
) -> TokenStream {
    let items_field = ident(&pagination.items.rust_name);
    let into_items = match pagination.items.presence {
        Presence::Required => quote! { page.#items_field },
        Presence::RequiredNullable | Presence::Optional => {
            quote! { page.#items_field.unwrap_or_default() }
        }
        Presence::OptionalNullable => quote! { page.#items_field.flatten().unwrap_or_default() },
    };
    let count = match pagination.items.presence {
        Presence::Required => quote! { page.#items_field.len() },
        _ => {
            let field = page_field(&pagination.items);
            quote! { #field.map_or(0, Vec::len) }
        }
    };
    let items_wire = &pagination.items.wire_name;
    // The page's JSON, for a page that did not decode: the same walk, read
    // by property name.
    let json_count = quote! {
        page.get(#items_wire).and_then(serde_json::Value::as_array).map_or(0, Vec::len)
    };
    let (next, next_json) = match &pagination.style {
        PaginationStyle::Offset {
            skip,
            skip_type,
            has_more,
        } => {
            let skip_param = &op.parameters[*skip];
            let skip_name = ident(&skip_param.rust_name);
            // The skip parameter is an integer, never a named type.
            let skip_ty = type_tokens(skip_type, &TokenStream::new());
            let typed_has_more = match has_more.presence {
                Presence::Required => {
                    let name = ident(&has_more.rust_name);
                    quote! { page.#name }
                }
                _ => {
                    let field = page_field(has_more);
                    quote! { #field.copied().unwrap_or(false) }
                }
            };
            let has_more_wire = &has_more.wire_name;
            let json_has_more = quote! {
                page.get(#has_more_wire).and_then(serde_json::Value::as_bool).unwrap_or(false)
            };
            let current = if skip_param.required {
                quote! { self.#skip_name }
            } else {
                quote! { self.#skip_name.unwrap_or(0) }
            };
            let set = if skip_param.required {
                quote! { next.#skip_name = #current + count as #skip_ty; }
            } else {
                quote! { next.#skip_name = Some(#current + count as #skip_ty); }
            };
            let walk = |count: &TokenStream, has_more: &TokenStream| {
                quote! {
                    let count = #count;
                    // An empty page ends the walk even if the server claims more,
                    // so a misbehaving server cannot make the stream loop forever.
                    if !#has_more || count == 0 {
                        return None;
                    }
                    let mut next = self.clone();
                    #set
                    Some(next)
                }
            };
            (
                walk(&count, &typed_has_more),
                walk(&json_count, &json_has_more),
            )
        }
        PaginationStyle::Cursor {
            cursor,
            next_cursor,
        } => {
            let cursor_param = &op.parameters[*cursor];
            let cursor_name = ident(&cursor_param.rust_name);
            let typed_cursor = page_field(next_cursor);
            let next_wire = &next_cursor.wire_name;
            let current = if cursor_param.required {
                quote! { Some(self.#cursor_name.as_str()) }
            } else {
                quote! { self.#cursor_name.as_deref() }
            };
            let set = if cursor_param.required {
                quote! { next.#cursor_name = cursor.to_owned(); }
            } else {
                quote! { next.#cursor_name = Some(cursor.to_owned()); }
            };
            let walk = |cursor: &TokenStream| {
                quote! {
                    // A repeated cursor would fetch the same page forever.
                    let cursor = #cursor.filter(|c| !c.is_empty() && Some(*c) != #current)?;
                    let mut next = self.clone();
                    #set
                    Some(next)
                }
            };
            (
                walk(&quote! { #typed_cursor.map(String::as_str) }),
                walk(&quote! { page.get(#next_wire).and_then(serde_json::Value::as_str) }),
            )
        }
    };
    let route = format!("{} {}", op.method.as_str(), op.path);
    let pages_doc = format!(" Every page of `{route}`, starting with this request's; the next page is fetched only when the stream is read past the current one. A page that does not decode is yielded as its [`Error::Decode`](crate::Error::Decode), which keeps the whole page, and the walk goes on to the page after it; any other error ends the stream after it is yielded.");
    let items_doc = " Every item of every page, fetched lazily a page at a time; `.take(n)` stops after `n` items without fetching further pages. Of a page that does not decode, the items that decode alone are yielded and each one that does not is an [`Error::Decode`](crate::Error::Decode) naming it; the walk then goes on.";
    quote! {
        impl crate::pagination::Paginate for #builder {
            type Page = #page;
            type Item = #item;

            const ITEMS: &'static str = #items_wire;

            fn fetch(self) -> crate::ResponseFuture<Self::Page> {
                self.send()
            }

            fn next_page(&self, page: &Self::Page) -> Option<Self> {
                #next
            }

            fn next_page_json(&self, page: &serde_json::Value) -> Option<Self> {
                #next_json
            }

            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #into_items
            }
        }

        impl #builder {
            #[doc = #pages_doc]
            pub fn pages(self) -> crate::BoxStream<Result<#page, crate::Error>> {
                crate::pagination::pages(self)
            }

            #[doc = #items_doc]
            pub fn items(self) -> crate::BoxStream<Result<#item, crate::Error>> {
                crate::pagination::items(self)
            }
        }
    }
}
