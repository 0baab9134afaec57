//! The `Server` enum of a crate whose operations name servers of their own
//! (an upload host): one variant per server, with the URL the spec gives
//! it. `ClientBuilder::server_url` takes a variant and another URL.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use crate::ir::Api;

/// `Server` and its `default_url`, printed from `Api::servers`.
pub(crate) fn server_enum(api: &Api) -> TokenStream {
    let variants = api.servers.iter().enumerate().map(|(index, server)| {
        let variant = format_ident!("{}", server.variant);
        let methods: Vec<String> = api
            .operations
            .iter()
            .filter(|op| op.server == Some(index))
            .map(|op| {
                let method = crate::naming::unraw(&op.method_name);
                format!("[`Client::{method}`](crate::Client::{method})")
            })
            .collect();
        let url = match &server.url {
            Some(url) => format!("`{url}`"),
            None => format!(
                "`{}`, which the client cannot use as it is: set a URL with [`ClientBuilder::server_url`](crate::ClientBuilder::server_url)",
                server.template
            ),
        };
        let docs = doc_attrs([
            format!("The server at {url}.").as_str(),
            server.description.as_deref().unwrap_or(""),
            format!("Its operations: {}.", methods.join(", ")).as_str(),
        ]);
        quote! {
            #docs
            #variant,
        }
    });
    let urls = api.servers.iter().map(|server| {
        let variant = format_ident!("{}", server.variant);
        match &server.url {
            Some(url) => quote! { Server::#variant => Some(#url), },
            None => quote! { Server::#variant => None, },
        }
    });
    quote! {
        /// A server some operations are sent to instead of the base URL, as
        /// the spec says. [`ClientBuilder::server_url`] sends them to another URL.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The URL the spec gives this server, its variables at their
            /// defaults; `None` when the client cannot use it, so it must be
            /// set with [`ClientBuilder::server_url`].
            pub fn default_url(self) -> Option<&'static str> {
                match self {
                    #(#urls)*
                }
            }
        }
    }
}
