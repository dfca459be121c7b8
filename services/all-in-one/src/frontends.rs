//! The built single-page apps: `/agent/`, `/admin/` and the client page at
//! `/c/`, each falling back to its `index.html` for client-side routes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpResponse, web};
use vc_runtime::service::ExtraRoutes;

use crate::config::FrontendsConfig;

/// The frontends: (mount path, directory, what it is).
fn apps(cfg: &FrontendsConfig) -> Vec<(&'static str, PathBuf, &'static str)> {
    vec![
        ("/agent", cfg.agent_dir.clone(), "agent console"),
        ("/admin", cfg.admin_dir.clone(), "admin panel"),
        ("/c", cfg.client_dir.clone(), "client page"),
    ]
}

pub fn routes(cfg: &FrontendsConfig) -> ExtraRoutes {
    let apps = apps(cfg);
    Arc::new(move |svc: &mut web::ServiceConfig| {
        svc.route(
            "/",
            web::get().to(|| async { HttpResponse::Found().insert_header(("Location", "/agent/")).finish() }),
        );
        for (mount, dir, what) in &apps {
            if dir.join("index.html").is_file() {
                let index = dir.join("index.html");
                svc.service(
                    Files::new(mount, dir)
                        .index_file("index.html")
                        .redirect_to_slash_directory()
                        .default_handler(fn_service(move |req: ServiceRequest| {
                            let index = index.clone();
                            async move { spa_index(req, &index).await }
                        })),
                );
            } else {
                let message =
                    format!("The {what} is not built: `make run` builds it into {}.", dir.display());
                svc.route(
                    &format!("{mount}{{tail:.*}}"),
                    web::get().to(move || {
                        let message = message.clone();
                        async move {
                            HttpResponse::ServiceUnavailable()
                                .content_type("text/plain; charset=utf-8")
                                .body(message)
                        }
                    }),
                );
            }
        }
    })
}

async fn spa_index(req: ServiceRequest, index: &Path) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let file = NamedFile::open_async(index).await?;
    let res = file.into_response(&req);
    Ok(ServiceResponse::new(req, res))
}
