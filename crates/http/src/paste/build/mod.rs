//! paste.deploy's `ConfigLoader`: a `Loader` per paste file, sharing one stack of the
//! sections being resolved or built (so a section that needs itself is reported as a loop
//! instead of recursing forever) and a cache of parsed files. `resolve.rs` turns a name into a
//! context (paste's `get_context`), `create.rs` builds contexts into tower services (paste's
//! `LoaderContext.create`).

mod create;
mod resolve;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use openstack_config::ConfigOpts;

use self::resolve::Wanted;
use super::error::PasteError;
use super::parse::PasteFile;
use super::AppFactories;
use crate::{Filter, HttpService};

type Conf = BTreeMap<String, String>;

/// One section being resolved or built.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Frame {
    file: PathBuf,
    section: String,
}

/// State shared by the loaders of every file reached from the first one.
struct Shared<'a> {
    conf: &'a ConfigOpts,
    apps: &'a dyn AppFactories,
    files: RefCell<HashMap<PathBuf, Rc<PasteFile>>>,
    stack: RefCell<Vec<Frame>>,
}

/// Loads applications and filters from one paste file; what composite factories receive
/// (paste's `loader.get_app(name)` / `loader.get_filter(name)`).
pub struct Loader<'a> {
    shared: Rc<Shared<'a>>,
    file: Rc<PasteFile>,
}

impl<'a> Loader<'a> {
    /// Reads `paste_file` and prepares to load from it.
    pub fn new(
        conf: &'a ConfigOpts,
        paste_file: &Path,
        apps: &'a dyn AppFactories,
    ) -> Result<Loader<'a>, PasteError> {
        let shared = Rc::new(Shared {
            conf,
            apps,
            files: RefCell::new(HashMap::new()),
            stack: RefCell::new(Vec::new()),
        });
        let file = shared.file(paste_file)?;
        Ok(Loader { shared, file })
    }

    /// The absolute path of the file this loader reads.
    pub fn file(&self) -> &Path {
        self.file.path()
    }

    /// Builds the application `name` (`""` = paste's `None`: `main` or a bare `[app]`).
    pub fn get_app(&self, name: &str) -> Result<HttpService, PasteError> {
        self.get_app_with(name, None)
    }

    /// Like `get_app`, with the caller's `global_conf` laid over the file's defaults.
    pub fn get_app_with(
        &self,
        name: &str,
        global_conf: Option<&Conf>,
    ) -> Result<HttpService, PasteError> {
        let ctx = self.context(Wanted::App, name, global_conf)?;
        self.build_app(&ctx)
    }

    /// Builds the filter `name`.
    pub fn get_filter(&self, name: &str) -> Result<Filter, PasteError> {
        let ctx = self.context(Wanted::Filter, name, None)?;
        self.build_filter(&ctx)
    }

    /// Resolves the application `name` without building it and renders the resolved tree,
    /// one section per line (composites are leaves: they pick their sections when built).
    pub fn describe_app(&self, name: &str) -> Result<String, PasteError> {
        let ctx = self.context(Wanted::App, name, None)?;
        let mut out = String::new();
        ctx.describe(0, &mut out);
        Ok(out)
    }

    /// Resolves the filter `name` without building it (see `describe_app`).
    pub fn describe_filter(&self, name: &str) -> Result<String, PasteError> {
        let ctx = self.context(Wanted::Filter, name, None)?;
        let mut out = String::new();
        ctx.describe(0, &mut out);
        Ok(out)
    }

    fn with_file(&self, file: Rc<PasteFile>) -> Loader<'a> {
        Loader {
            shared: Rc::clone(&self.shared),
            file,
        }
    }

    fn lookup_error(&self, section: Option<&str>, message: String) -> PasteError {
        PasteError::Lookup {
            file: self.file.path().to_path_buf(),
            section: section.map(str::to_string),
            message,
        }
    }

    /// Runs `f` with `section` of this file on the stack; a section already there is a loop.
    fn enter<T>(
        &self,
        section: &str,
        f: impl FnOnce(&Self) -> Result<T, PasteError>,
    ) -> Result<T, PasteError> {
        let frame = Frame {
            file: self.file.path().to_path_buf(),
            section: section.to_string(),
        };
        {
            let mut stack = self.shared.stack.borrow_mut();
            if let Some(first) = stack.iter().position(|f| *f == frame) {
                let top = self.file.path();
                let chain = stack[first..]
                    .iter()
                    .chain(std::iter::once(&frame))
                    .map(|f| {
                        if f.file == top {
                            format!("[{}]", f.section)
                        } else {
                            format!("[{}] in {}", f.section, f.file.display())
                        }
                    })
                    .collect();
                return Err(PasteError::Loop {
                    file: frame.file,
                    section: frame.section,
                    chain,
                });
            }
            stack.push(frame);
        }
        let result = f(self);
        self.shared.stack.borrow_mut().pop();
        result
    }
}

impl Shared<'_> {
    /// Parses each file once per load.
    fn file(&self, path: &Path) -> Result<Rc<PasteFile>, PasteError> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(file) = self.files.borrow().get(&path) {
            return Ok(Rc::clone(file));
        }
        let file = Rc::new(PasteFile::read(&path)?);
        self.files.borrow_mut().insert(path, Rc::clone(&file));
        Ok(file)
    }
}
