//! vc-server: interactions and their lifecycle, the agent and client control
//! channels, client join by link, and admission to the media rooms.

mod chat;
pub mod config;
mod control_chat;
mod control_ws;
mod creation;
mod followers;
mod geo;
mod handlers;
mod hub;
pub mod lifecycle;
mod media_events;
pub mod phone;
pub mod report;
pub mod schedule;
pub mod settings;
mod stat_feed;
mod state;
pub mod store;
mod store_filter;

use std::sync::Arc;

use actix_web::web;
use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::topics;
use vc_runtime::{Runtime, Service, StartError};

pub use config::ServerSettings;
use state::ServerState;

vc_runtime::service_config! {
    /// The vc-server binary's configuration file.
    pub struct Config {
        pub server: ServerSettings,
    }
}

/// The running vc-server service.
pub struct VcServer {
    state: web::Data<ServerState>,
    schedules: web::Data<schedule::Schedules>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl VcServer {
    pub async fn start(rt: &Runtime, settings: &ServerSettings) -> Result<Arc<Self>, StartError> {
        let state = web::Data::new(ServerState {
            interactions: store::Interactions::open(&rt.db).await?,
            settings: settings::Settings::open(&rt.db, settings).await?,
            chat: chat::Chat::open(&rt.db).await?,
            hub: hub::Hub::default(),
            bus: rt.bus.clone(),
            cfg: settings.clone(),
            exports: tokio::sync::Semaphore::new(state::CONCURRENT_EXPORTS),
        });
        // Every instance hears every interaction's events (its pages may be
        // connected here).
        let mut feed = rt.bus.subscribe(topics::server::all_interaction_events()).await?;
        let s = state.clone();
        let fanout = tokio::spawn(async move {
            while let Some(d) = feed.next().await {
                s.hub.deliver(d.body().interaction_id, &d.body().events);
            }
        });
        let mut chat_feed = rt.bus.subscribe(topics::server::all_chat()).await?;
        let s = state.clone();
        let chat_fanout = tokio::spawn(async move {
            while let Some(d) = chat_feed.next().await {
                s.hub.deliver_chat(d.body().interaction_id, d.body().item.clone());
            }
        });
        // One instance applies each media event.
        let media = rt.bus.subscribe_shared("vc-server", topics::media::all_room_events()).await?;
        let follow = tokio::spawn(media_events::follow(state.clone().into_inner(), media));
        let opens = rt.bus.subscribe_shared("vc-server", topics::surl::link_opened()).await?;
        let opens = tokio::spawn(followers::link_opens(state.clone().into_inner(), opens));
        let statuses = rt.bus.subscribe_shared("vc-server", topics::msg::delivery_status()).await?;
        let statuses = tokio::spawn(followers::delivery_statuses(state.clone().into_inner(), statuses));
        let s = state.clone();
        let access = rt
            .bus
            .serve("vc-server", &topics::server::interaction_access(), move |env| {
                let s = s.clone();
                async move { followers::access(&s, env.body.interaction_id).await }
            })
            .await?;
        let s = state.clone();
        let recordings = rt
            .bus
            .serve("vc-server", &topics::server::recording_outcome(), move |env| {
                let s = s.clone();
                async move { followers::recording_outcome(&s, &env.body).await }
            })
            .await?;
        let s = state.clone();
        let stat_input = rt
            .bus
            .serve("vc-server", &topics::server::stat_input(), move |env| {
                let s = s.clone();
                async move { stat_feed::stat_input(&s, &env.body).await }
            })
            .await?;
        let s = state.clone();
        let metrics = rt
            .bus
            .serve("vc-server", &topics::server::metrics_computed(), move |env| {
                let s = s.clone();
                async move { stat_feed::metrics_computed(&s, &env.body).await }
            })
            .await?;
        let s = state.clone();
        let deleted_files = rt
            .bus
            .serve("vc-server", &topics::server::file_deleted(), move |env| {
                let s = s.clone();
                async move { followers::file_deleted(&s, &env.body).await }
            })
            .await?;
        let schedules = schedule::Schedules::open(&rt.db).await?;
        let scheduler = tokio::spawn(schedule::worker::run(state.clone().into_inner(), schedules.clone()));
        Ok(Arc::new(Self {
            state,
            schedules: web::Data::new(schedules),
            tasks: vec![
                fanout,
                chat_fanout,
                follow,
                opens,
                statuses,
                access,
                recordings,
                stat_input,
                metrics,
                deleted_files,
                scheduler,
            ],
        }))
    }
}

impl Service for VcServer {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(self.state.clone())
            .app_data(self.schedules.clone())
            .service(handlers::create::create_interaction)
            .service(handlers::list::list_interactions)
            .service(handlers::reports_export::export_interactions)
            .service(handlers::get::get_interaction)
            .service(handlers::update::update_interaction)
            .service(handlers::end::end_interaction)
            .service(handlers::link::renew_link)
            .service(handlers::send::send_link)
            .service(handlers::deliveries::channels)
            .service(handlers::deliveries::get_delivery)
            .service(handlers::media::media_access)
            .service(handlers::join_info::join_info)
            .service(handlers::join_post::join)
            .service(handlers::messages::chat_history)
            .service(handlers::schedules_create::create_schedule)
            .service(handlers::schedules_list::list_schedules)
            .service(handlers::schedules_reminders::reminders)
            .service(handlers::schedules_update::update_schedule)
            .service(handlers::schedules_cancel::cancel_schedule)
            .service(handlers::survey::submit_survey)
            .service(handlers::settings_branding::get_branding)
            .service(handlers::settings_branding::put_branding)
            .service(handlers::settings_branding::upload_logo)
            .service(handlers::settings_branding::get_logo)
            .service(handlers::settings_features::get_features)
            .service(handlers::settings_features::put_features)
            .service(handlers::settings_fields::get_custom_fields)
            .service(handlers::settings_fields::put_custom_fields)
            .service(handlers::settings_survey::get_survey)
            .service(handlers::settings_survey::put_survey)
            .service(control_ws::control_ws);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}
