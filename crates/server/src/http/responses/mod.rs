//! What the API answers with, apart from how storage keeps it: each response type names its
//! fields as the API does and is made from the stored record in one `From`.

mod call;
mod lead;

pub use call::CallResponse;
pub use lead::LeadResponse;
