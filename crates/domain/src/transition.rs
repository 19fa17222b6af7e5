//! A status change as a value: from which statuses to which. Storage writes a lead's or an
//! agent's status only as one of these, and only the domain makes them (as constants for the
//! fixed moves of the dialer and transfers, or by checking a change against the rules), so a
//! row can never move along an edge the state machine does not have.

use std::borrow::Cow;

/// A status change the rules allow: a row in any of [`from`](Transition::from) may move to
/// [`to`](Transition::to); a row in another status is left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition<S: Clone + 'static> {
    from: Cow<'static, [S]>,
    to: S,
}

impl<S: Copy + Into<&'static str>> Transition<S> {
    /// A fixed move, named by a constant next to the rules that allow it (and tested against
    /// them).
    pub(crate) const fn fixed(from: &'static [S], to: S) -> Self {
        Transition {
            from: Cow::Borrowed(from),
            to,
        }
    }

    /// A move the caller has checked against the rules.
    pub(crate) fn checked(from: Vec<S>, to: S) -> Self {
        Transition {
            from: Cow::Owned(from),
            to,
        }
    }

    /// The statuses a row may be in to move.
    pub fn from(&self) -> &[S] {
        &self.from
    }

    /// The status it moves to.
    pub fn to(&self) -> S {
        self.to
    }

    /// The stored names of [`from`](Transition::from), for a query's `status IN (…)`.
    pub fn from_names(&self) -> Vec<&'static str> {
        self.from.iter().map(|s| (*s).into()).collect()
    }

    /// The stored name of [`to`](Transition::to).
    pub fn to_name(&self) -> &'static str {
        self.to.into()
    }
}
