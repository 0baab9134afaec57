//! Lazy streams over paginated operations: the next page is fetched only
//! when the stream is read past the current one, and a page that does not
//! decode is an error of the stream, not the end of the listing.

use std::pin::Pin;

use futures_util::future::Either;
use futures_util::stream::{self, Stream, StreamExt};

use crate::error::{DecodeError, Error};
use crate::send::ResponseFuture;

/// A boxed stream: `Unpin`, so `next().await` works on it without pinning,
/// and `'static`, so it can be moved into a spawned task.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

/// A request builder of a paginated operation: it can send itself and say
/// which request fetches the page after a given one.
pub(crate) trait Paginate: Clone + Send + Sized + 'static {
    /// The decoded page.
    type Page: Send + 'static;
    /// One item of a page.
    type Item: serde::de::DeserializeOwned + Send + 'static;

    /// The JSON property of a page that holds its items.
    const ITEMS: &'static str;

    /// Sends this request.
    fn fetch(self) -> ResponseFuture<Self::Page>;

    /// The request for the page after `page`, or `None` at the end.
    fn next_page(&self, page: &Self::Page) -> Option<Self>;

    /// The same for a page that did not decode, read from its JSON.
    fn next_page_json(&self, page: &serde_json::Value) -> Option<Self>;

    /// The items of `page`.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// Every page, starting with `first`.
///
/// A page that arrived but does not decode is yielded as its
/// [`Error::Decode`], and the walk goes on to the page its JSON says comes
/// next; other errors (an error status, a failed connection after the
/// client's retries) end the stream after they are yielded, since what
/// comes next is then unknown.
pub(crate) fn pages<P: Paginate>(first: P) -> BoxStream<Result<P::Page, Error>> {
    stream::unfold(Some(first), |request| async move {
        let request = request?;
        let template = request.clone();
        match request.fetch().await {
            Ok(page) => {
                let next = template.next_page(&page);
                Some((Ok(page), next))
            }
            Err(Error::Decode(error)) => {
                let next = error
                    .json::<serde_json::Value>()
                    .ok()
                    .and_then(|page| template.next_page_json(&page));
                Some((Err(Error::Decode(error)), next))
            }
            Err(error) => Some((Err(error), None)),
        }
    })
    .boxed()
}

/// Every item of every page, starting with `first`. Of a page that does
/// not decode, each item that decodes alone is yielded, and each that does
/// not is an [`Error::Decode`] of its own (its path names the item, its
/// body is the whole page); then the walk goes on.
pub(crate) fn items<P: Paginate>(first: P) -> BoxStream<Result<P::Item, Error>> {
    pages(first)
        .flat_map(|page| match page {
            Ok(page) => Either::Left(stream::iter(P::into_items(page).into_iter().map(Ok))),
            Err(Error::Decode(error)) => Either::Right(stream::iter(salvage::<P>(error))),
            Err(error) => Either::Right(stream::iter(vec![Err(error)])),
        })
        .boxed()
}

/// The items of a page that did not decode as a whole, each decoded alone;
/// the page's error when its items cannot be found, or when they all
/// decode (the fault is elsewhere in the page).
fn salvage<P: Paginate>(error: Box<DecodeError>) -> Vec<Result<P::Item, Error>> {
    let page: Option<serde_json::Value> = error.json().ok();
    let Some(items) = page
        .as_ref()
        .and_then(|page| page.get(P::ITEMS))
        .and_then(serde_json::Value::as_array)
    else {
        return vec![Err(Error::Decode(error))];
    };
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut failed = false;
    for (index, item) in items.iter().enumerate() {
        match serde_path_to_error::deserialize::<_, P::Item>(item) {
            Ok(item) => out.push(Ok(item)),
            Err(item_error) => {
                failed = true;
                let inner = item_error.path().to_string();
                let path = if inner == "." {
                    format!("{}[{index}]", P::ITEMS)
                } else {
                    format!("{}[{index}].{inner}", P::ITEMS)
                };
                let source = item_error.into_inner();
                out.push(Err(Error::Decode(Box::new(DecodeError {
                    status: error.status,
                    headers: error.headers.clone(),
                    body: error.body.clone(),
                    path,
                    message: source.to_string(),
                    source: Some(Box::new(source)),
                    history: error.history.clone(),
                }))));
            }
        }
    }
    if !failed {
        out.push(Err(Error::Decode(error)));
    }
    out
}
