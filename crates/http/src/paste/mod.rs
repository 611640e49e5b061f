//! The paste.deploy-compatible loader: api-paste.ini → tower stack.
