//! The HTTP server (oslo_service.wsgi.Server): listen socket, TLS, limits, graceful drain.
