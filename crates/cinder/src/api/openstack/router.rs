//! The route table of the v3 API (`APIMapper` of `cinder/api/openstack/wsgi.py` over
//! `routes.Mapper`): every route exists twice, once under `/{project_id}` (the id must match
//! `[DEFAULT] project_id_regex`) and once without (project-less URLs, microversion 3.67);
//! `.json` is accepted as a format suffix; a method may be served by different handlers in
//! different microversion ranges. A path no route matches is a plain 404; a path that matches
//! but not in the requested microversion is a 404 fault.

use std::collections::BTreeMap;

use http::Method;
use regex::Regex;

use super::api_version_request::{ApiVersion, MAX_API_VERSION, MIN_API_VERSION};

/// One segment of a route pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One connected route.
pub struct Route<H> {
    pub method: Method,
    pub action: &'static str,
    pub min_version: ApiVersion,
    pub max_version: ApiVersion,
    pub handler: H,
    segments: Vec<Segment>,
    /// Connected with `mapper.connect` rather than `create_route`: no `/{project_id}` form.
    project_less_only: bool,
}

/// What a request path resolves to.
pub enum Resolution<'a, H> {
    /// A route for this method, path and microversion.
    Found {
        route: &'a Route<H>,
        params: BTreeMap<String, String>,
        /// The project id of the URL, when the request used the `/{project_id}` form.
        project_id: Option<String>,
    },
    /// The path and method exist, but not in the requested microversion.
    VersionNotFound,
    /// No route has this path and method.
    NotFound,
}

/// The route table.
pub struct Mapper<H> {
    project_id_regex: Regex,
    routes: Vec<Route<H>>,
}

/// Adds microversion bounds to the route just connected.
pub struct Connected<'a, H> {
    route: &'a mut Route<H>,
}

impl<H> Connected<'_, H> {
    /// Served from this microversion on (`@wsgi.Controller.api_version(min)`).
    pub fn since(self, major: u32, minor: u32) -> Self {
        self.route.min_version = ApiVersion { major, minor };
        self
    }

    /// Only the path as written, without the `/{project_id}` form (upstream's plain
    /// `mapper.connect`, e.g. the versions document at `/`).
    pub fn without_project(self) -> Self {
        self.route.project_less_only = true;
        self
    }

    /// Served up to and including this microversion.
    pub fn until(self, major: u32, minor: u32) -> Self {
        self.route.max_version = ApiVersion { major, minor };
        self
    }
}

impl<H> Mapper<H> {
    /// A table whose project ids must match `project_id_regex` (the whole segment).
    pub fn new(project_id_regex: &str) -> Result<Mapper<H>, regex::Error> {
        Ok(Mapper {
            project_id_regex: Regex::new(&format!("^(?:{project_id_regex})$"))?,
            routes: Vec::new(),
        })
    }

    /// Connects `method path` (e.g. `GET /volumes/{id}`) to `handler`.
    pub fn connect(
        &mut self,
        method: Method,
        path: &str,
        action: &'static str,
        handler: H,
    ) -> Connected<'_, H> {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_string()),
                    None => Segment::Literal(s.to_string()),
                },
            )
            .collect();
        self.routes.push(Route {
            method,
            action,
            min_version: MIN_API_VERSION,
            max_version: MAX_API_VERSION,
            handler,
            segments,
            project_less_only: false,
        });
        let last = self.routes.len() - 1;
        Connected {
            route: &mut self.routes[last],
        }
    }

    /// Finds the route for `method path` (PATH_INFO below the v3 mount) at `version`.
    pub fn resolve(&self, method: &Method, path: &str, version: ApiVersion) -> Resolution<'_, H> {
        let mut parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // format requirement pinned to json: `/volumes/detail.json` is `/volumes/detail`.
        if let Some(last) = parts.last_mut() {
            if let Some(stripped) = last.strip_suffix(".json") {
                if !stripped.is_empty() {
                    *last = stripped;
                }
            }
        }
        let mut version_mismatch = false;
        // The project form is connected first, as upstream does.
        let forms: [(Option<&str>, &[&str]); 2] = [
            (parts.first().copied(), parts.get(1..).unwrap_or(&[])),
            (None, &parts[..]),
        ];
        for (project, rest) in forms {
            if let Some(p) = project {
                if !self.project_id_regex.is_match(p) {
                    continue;
                }
            }
            // Routing ignores the microversion (more literal segments win:
            // `/volumes/detail` over `/volumes/{id}`); the version then picks among the
            // handlers of that one path, as versioned controller methods do upstream.
            let candidates: Vec<(usize, &Route<H>, BTreeMap<String, String>)> = self
                .routes
                .iter()
                .filter(|r| {
                    r.method == *method || (*method == Method::HEAD && r.method == Method::GET)
                })
                .filter(|r| project.is_none() || !r.project_less_only)
                .filter_map(|r| match_segments(&r.segments, rest).map(|(l, p)| (l, r, p)))
                .collect();
            let Some(most) = candidates.iter().map(|(l, _, _)| *l).max() else {
                continue;
            };
            let mut best = candidates
                .into_iter()
                .filter(|(l, _, _)| *l == most)
                .peekable();
            if best.peek().is_none() {
                continue;
            }
            for (_, route, params) in best {
                if version >= route.min_version && version <= route.max_version {
                    return Resolution::Found {
                        route,
                        params,
                        project_id: project.map(str::to_string),
                    };
                }
                version_mismatch = true;
            }
            break;
        }
        if version_mismatch {
            Resolution::VersionNotFound
        } else {
            Resolution::NotFound
        }
    }
}

fn match_segments(pattern: &[Segment], path: &[&str]) -> Option<(usize, BTreeMap<String, String>)> {
    if pattern.len() != path.len() {
        return None;
    }
    let mut literals = 0;
    let mut params = BTreeMap::new();
    for (seg, part) in pattern.iter().zip(path) {
        match seg {
            Segment::Literal(l) if l == part => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Param(name) => {
                params.insert(name.clone(), percent_decode(part));
            }
        }
    }
    Some((literals, params))
}

/// Decodes `%XX` escapes of a path segment (invalid escapes are kept as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u32) -> ApiVersion {
        ApiVersion { major: 3, minor }
    }

    fn mapper() -> Mapper<&'static str> {
        let mut m = Mapper::new(r"[0-9a-f\-]+").expect("regex");
        m.connect(Method::GET, "/volumes", "index", "index");
        m.connect(Method::GET, "/volumes/detail", "detail", "detail");
        m.connect(Method::GET, "/volumes/summary", "summary", "summary")
            .since(3, 12);
        m.connect(Method::GET, "/volumes/{id}", "show", "show");
        m.connect(Method::POST, "/volumes/{id}/action", "action", "action");
        m
    }

    fn found(
        r: Resolution<'_, &'static str>,
    ) -> (&'static str, BTreeMap<String, String>, Option<String>) {
        match r {
            Resolution::Found {
                route,
                params,
                project_id,
            } => (route.handler, params, project_id),
            Resolution::VersionNotFound => panic!("version not found"),
            Resolution::NotFound => panic!("not found"),
        }
    }

    #[test]
    fn project_and_project_less_forms() {
        let m = mapper();
        let (h, _, p) = found(m.resolve(&Method::GET, "/6c0b2a0e/volumes", v(0)));
        assert_eq!((h, p.as_deref()), ("index", Some("6c0b2a0e")));
        let (h, _, p) = found(m.resolve(&Method::GET, "/volumes", v(67)));
        assert_eq!((h, p), ("index", None));
    }

    #[test]
    fn literals_win_over_params_and_json_suffix_is_a_format() {
        let m = mapper();
        let (h, _, _) = found(m.resolve(&Method::GET, "/abc/volumes/detail.json", v(0)));
        assert_eq!(h, "detail");
        let (h, params, _) = found(m.resolve(&Method::GET, "/abc/volumes/1234", v(0)));
        assert_eq!(h, "show");
        assert_eq!(params["id"], "1234");
    }

    #[test]
    fn project_ids_must_match_the_regex() {
        let m = mapper();
        assert!(matches!(
            m.resolve(&Method::GET, "/admin/volumes", v(0)),
            Resolution::NotFound
        ));
    }

    #[test]
    fn microversion_gates() {
        let m = mapper();
        assert!(matches!(
            m.resolve(&Method::GET, "/abc/volumes/summary", v(11)),
            Resolution::VersionNotFound
        ));
        let (h, _, _) = found(m.resolve(&Method::GET, "/abc/volumes/summary", v(12)));
        assert_eq!(h, "summary");
    }

    #[test]
    fn wrong_method_is_not_found() {
        let m = mapper();
        assert!(matches!(
            m.resolve(&Method::DELETE, "/abc/volumes/detail/x", v(0)),
            Resolution::NotFound
        ));
        assert!(matches!(
            m.resolve(&Method::PUT, "/abc/volumes", v(0)),
            Resolution::NotFound
        ));
    }

    #[test]
    fn path_params_are_percent_decoded() {
        let m = mapper();
        let (_, params, _) = found(m.resolve(&Method::GET, "/abc/volumes/a%20b", v(0)));
        assert_eq!(params["id"], "a b");
        let (_, params, _) = found(m.resolve(&Method::GET, "/abc/volumes/100%", v(0)));
        assert_eq!(params["id"], "100%");
    }
}
