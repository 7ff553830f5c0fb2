//! A fixed-capacity list kept inline, so that decoding SEQUENCE OF members with a small
//! upper bound (RequestedInformationList SIZE(1..4), metDPCriteriaList SIZE(1..10), ...)
//! allocates nothing (DESIGN.md: zero-copy decode, no per-message allocation).

use crate::ber::{BerError, BerErrorKind, Result};
use std::fmt;

/// Up to `N` values of `T`, in order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct List<T: Copy + Default, const N: usize> {
    len: usize,
    items: [T; N],
}

impl<T: Copy + Default, const N: usize> Default for List<T, N> {
    fn default() -> Self {
        List {
            len: 0,
            items: [T::default(); N],
        }
    }
}

impl<T: Copy + Default, const N: usize> List<T, N> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append; more than `N` elements is a decode error (the ASN.1 SIZE bound) reported at
    /// `offset`.
    pub fn push_at(&mut self, v: T, offset: usize) -> Result<()> {
        if self.len == N {
            return Err(BerError::new(
                BerErrorKind::Invalid("more elements than the SIZE bound"),
                offset,
            ));
        }
        self.items[self.len] = v;
        self.len += 1;
        Ok(())
    }

    /// Append, ignoring elements beyond `N` (for building values to encode); returns
    /// whether it fitted.
    pub fn push(&mut self, v: T) -> bool {
        self.push_at(v, 0).is_ok()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
}

impl<T: Copy + Default, const N: usize> FromIterator<T> for List<T, N> {
    /// Collects at most `N` elements (the rest are dropped).
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut l = List::default();
        for v in iter.into_iter().take(N) {
            l.push(v);
        }
        l
    }
}

impl<T: Copy + Default + fmt::Debug, const N: usize> fmt::Debug for List<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'l, T: Copy + Default, const N: usize> IntoIterator for &'l List<T, N> {
    type Item = &'l T;
    type IntoIter = std::slice::Iter<'l, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
