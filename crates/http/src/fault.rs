//! OpenStack faults: cinder `Fault` JSON bodies and webob default error bodies.
