//! User messages (`cinder/message/`): what went wrong with an asynchronous request, in
//! words a user may read, stored in `messages` and served by the messages API (3.3).

pub mod api;
pub mod message_field;
