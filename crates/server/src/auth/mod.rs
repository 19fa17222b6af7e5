//! Who is calling: passwords, session tokens, API keys, the login rate limiter, and the
//! extractor that turns a bearer token into an authenticated tenant member.

pub mod cookie;
mod extractor;
mod limiter;
pub mod passwords;
pub mod tokens;

pub use extractor::{Auth, Principal};
pub use limiter::LoginLimiter;
