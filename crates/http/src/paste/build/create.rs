//! paste's `LoaderContext.create`: builds a resolved context top-down into a tower service
//! or filter (a pipeline's first filter outermost, `filter-app`, `filter-with`, composites
//! with the loader on the stack), calling the standard filters and apps of `crate::filters`,
//! the built-in composites and the service's factories.

use std::rc::Rc;
use std::sync::Arc;

use super::resolve::{Context, Kind};
use super::Loader;
use crate::paste::error::PasteError;
use crate::paste::parse::py_repr;
use crate::paste::registry::{self, Factory, StandardApp, StandardFilter};
use crate::paste::{pipeline_factory, urlmap, FactoryArgs};
use crate::{Filter, HttpService};

impl Loader<'_> {
    fn args<'c>(&'c self, ctx: &'c Context) -> FactoryArgs<'c> {
        FactoryArgs {
            conf: self.shared.conf,
            global_conf: &ctx.global_conf,
            local_conf: &ctx.local_conf,
            file: ctx.file.path(),
            section: &ctx.section,
        }
    }

    fn unsupported(ctx: &Context, spec: &str) -> PasteError {
        PasteError::Unsupported {
            file: ctx.file.path().to_path_buf(),
            section: ctx.section.clone(),
            spec: spec.to_string(),
        }
    }

    pub(super) fn build_app(&self, ctx: &Context) -> Result<HttpService, PasteError> {
        match &ctx.kind {
            Kind::Factory { spec, factory } => match factory {
                Factory::Composite(kind) => {
                    let loader = self.with_file(Rc::clone(&ctx.loader_file));
                    let frame_owner = self.with_file(Rc::clone(&ctx.file));
                    frame_owner.enter(&ctx.section, |_| {
                        let args = self.args(ctx);
                        match kind {
                            registry::Composite::Urlmap
                            | registry::Composite::CinderRoot
                            | registry::Composite::NovaUrlmap => {
                                urlmap::build(*kind, &loader, &args)
                            }
                            registry::Composite::CinderPipeline
                            | registry::Composite::NeutronPipeline
                            | registry::Composite::NovaPipelineV21 => {
                                pipeline_factory::build(*kind, &loader, &args)
                            }
                        }
                    })
                }
                Factory::App(app) => standard_app(*app, &self.args(ctx)),
                Factory::Service(factory) => factory(&self.args(ctx)),
                Factory::Unsupported(_) => Err(Self::unsupported(ctx, spec)),
                Factory::Filter(_) | Factory::ServiceFilter(_) => Err(self.misplaced(ctx, spec)),
            },
            Kind::Pipeline { filters, app } => {
                let mut app = self.build_app(app)?;
                let filters = filters
                    .iter()
                    .map(|f| self.build_filter(f))
                    .collect::<Result<Vec<_>, _>>()?;
                for filter in filters.iter().rev() {
                    app = filter(app);
                }
                Ok(app)
            }
            Kind::FilterApp { filter, next } => {
                let next = self.build_app(next)?;
                let filter = self.build_filter(filter)?;
                Ok(filter(next))
            }
            Kind::FilterWith { filter, next } => {
                let filter = self.build_filter(filter)?;
                let inner = self.build_app(next)?;
                Ok(filter(inner))
            }
        }
    }

    pub(super) fn build_filter(&self, ctx: &Context) -> Result<Filter, PasteError> {
        match &ctx.kind {
            Kind::Factory { spec, factory } => match factory {
                Factory::Filter(kind) => standard_filter(*kind, &self.args(ctx)),
                Factory::ServiceFilter(factory) => factory(&self.args(ctx)),
                Factory::Unsupported(_) => Err(Self::unsupported(ctx, spec)),
                _ => Err(self.misplaced(ctx, spec)),
            },
            Kind::FilterWith { filter, next } => {
                let outer = self.build_filter(filter)?;
                let inner = self.build_filter(next)?;
                Ok(Arc::new(move |app| outer(inner(app))))
            }
            Kind::Pipeline { .. } | Kind::FilterApp { .. } => Err(self.lookup_error(
                Some(&ctx.section),
                format!(
                    "Section [{}] of {} builds an application, but a filter is needed here",
                    ctx.section,
                    ctx.file.path().display()
                ),
            )),
        }
    }

    /// Cannot happen after `factory_context`'s check; an error rather than a panic anyway.
    fn misplaced(&self, ctx: &Context, spec: &str) -> PasteError {
        self.lookup_error(
            Some(&ctx.section),
            format!(
                "Factory {} in section [{}] of {} is used in the wrong place",
                py_repr(spec),
                ctx.section,
                ctx.file.path().display()
            ),
        )
    }
}

/// The standard filters live in `crate::filters`.
fn standard_filter(kind: StandardFilter, args: &FactoryArgs) -> Result<Filter, PasteError> {
    crate::filters::build(kind, args)
}

/// The standard apps.
fn standard_app(kind: StandardApp, args: &FactoryArgs) -> Result<HttpService, PasteError> {
    match kind {
        StandardApp::Healthcheck => crate::filters::healthcheck_app(args),
    }
}
