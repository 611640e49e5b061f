//! The standard filters named in upstream api-paste.ini files, as tower services.
