//! Lazy streams over paginated operations: the next page is fetched only
//! when the stream is read past the current one.

use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::error::Error;
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
    type Item: Send + 'static;

    /// Sends this request.
    fn fetch(self) -> ResponseFuture<Self::Page>;

    /// The request for the page after `page`, or `None` at the end.
    fn next_page(&self, page: &Self::Page) -> Option<Self>;

    /// The items of `page`.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// Every page, starting with `first`; errors end the stream after they are
/// yielded.
pub(crate) fn pages<P: Paginate>(first: P) -> BoxStream<Result<P::Page, Error>> {
    stream::try_unfold(Some(first), |request| async move {
        let Some(request) = request else {
            return Ok(None);
        };
        let template = request.clone();
        let page = request.fetch().await?;
        let next = template.next_page(&page);
        Ok(Some((page, next)))
    })
    .boxed()
}

/// Every item of every page, starting with `first`.
pub(crate) fn items<P: Paginate>(first: P) -> BoxStream<Result<P::Item, Error>> {
    pages(first)
        .map_ok(|page| stream::iter(P::into_items(page).into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}
