//! A domain [`Transition`] in SQL: the condition a row's status must meet to move.

use outdial_domain::Transition;

/// `column IN ('a', 'b')` for the transition's `from` statuses. They are written as literals
/// because they are the domain's own status names (from its enums), never user input; a
/// transition from nothing matches no row.
pub(crate) fn status_in<S: Copy + Into<&'static str>>(column: &str, t: &Transition<S>) -> String {
    let names: Vec<String> = t.from_names().iter().map(|n| format!("'{n}'")).collect();
    if names.is_empty() {
        return "1 = 0".into();
    }
    format!("{column} IN ({})", names.join(", "))
}
