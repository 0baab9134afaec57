//! How the spec's structs encode: each writes its `Serialize` out as one
//! call per property on an [`ObjectWriter`].

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A struct of the spec being written as an object, entry by entry.
///
/// Each struct's `Serialize` is written out on this instead of derived:
/// the derive puts a `?` after every entry and goes through `flatten` for
/// the extra properties, and checking that code was a tenth of a large
/// crate's `cargo check`. The first error is kept and returned by
/// [`end`](ObjectWriter::end); no entry is written after it.
pub(crate) struct ObjectWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Starts the object; its size is not known up front, as entries may
    /// be left out and the extra ones are counted as they are written.
    #[inline]
    pub(crate) fn start<S>(serializer: S) -> Result<Self, M::Error>
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        Ok(ObjectWriter {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }
    // @needs entry

    /// Writes a property that is always sent (`null` when it is `None`).
    #[inline]
    pub(crate) fn entry<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.write(key, value);
    }
    // @end
    // @needs optional_entry

    /// Writes an optional property unless it is `None` (absent).
    #[inline]
    pub(crate) fn optional_entry<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if value.is_some() {
            self.write(key, value);
        }
    }
    // @end

    /// Writes entries the spec does not declare (the extra map, the custom
    /// fields), flat beside the properties.
    pub(crate) fn entries<K: Serialize, V: Serialize>(&mut self, entries: impl IntoIterator<Item = (K, V)>) {
        for (key, value) in entries {
            self.write(&key, &value);
        }
    }

    /// Ends the object, or returns the first error met.
    #[inline]
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }

    #[inline]
    fn write<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
    }
}
