//! The Telegram bot's side: updates by long polling or by webhook, and
//! what a `/start <payload>` does (binds the chat, releases the waiting
//! delivery).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, post, web};
use subtle::ConstantTimeEq;
use vc_protocol::msg::{DeliveryStatus, Language};
use vc_protocol::{ErrorBody, ErrorCode};
use vc_runtime::ApiError;

use crate::Ctx;
use crate::providers::telegram::{Telegram, Update, UpdatesError};
use crate::store::{Step, Update as Change};
use crate::template::{self, Vars};
use crate::worker;

/// Applies one update. `Err`: not applied (the database failed); ask again.
pub async fn handle(ctx: &Ctx, tg: &Telegram, update: &Update) -> Result<(), String> {
    let Some((chat_id, username, payload)) = update.start() else { return Ok(()) };
    if let Some(u) = &username {
        ctx.store.remember_telegram_chat(u, chat_id).await.map_err(|e| e.to_string())?;
    }
    if !payload.is_empty()
        && let Some(d) = ctx.store.by_start_payload(&payload).await.map_err(|e| e.to_string())?
    {
        let change = Change::default()
            .set("to", chat_id.to_string())
            .status(DeliveryStatus::Queued)
            .step(Step::Send, Some(chrono::Utc::now()));
        if let Some(d) =
            ctx.store.update_at_step(d.id, Step::WaitStart, change).await.map_err(|e| e.to_string())?
        {
            tracing::info!(delivery_id = %d.id, "the client pressed Start; sending the link");
            worker::announce(ctx, &d).await;
            ctx.wake.notify_one();
            return Ok(());
        }
    }
    // A Start without a pending link (or pressed again): a friendly word.
    let lang = match update
        .message
        .as_ref()
        .and_then(|m| m.from.as_ref())
        .and_then(|u| u.language_code.as_deref())
    {
        Some(code) if !code.starts_with("ru") => Language::En,
        _ => Language::Ru,
    };
    let text = template::render(
        template::pick(&ctx.cfg.templates.telegram_welcome, lang),
        &Vars { company: "", link: "", agent: "", client: None, time: "", reason: "" },
    );
    if let Err(e) = tg.say(chat_id, &text).await {
        tracing::debug!(error = %e, "welcome not sent");
    }
    Ok(())
}

/// `getUpdates` long polling until the task is stopped. The offset is
/// kept in MongoDB, so a restart neither loses nor repeats updates.
pub async fn poll(ctx: Arc<Ctx>, tg: Arc<Telegram>) {
    let mut offset = loop {
        match ctx.store.telegram_offset().await {
            Ok(o) => break o,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the Telegram offset");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    };
    let mut pause = Duration::from_secs(1);
    loop {
        match tg.updates(offset).await {
            Ok(updates) => {
                pause = Duration::from_secs(1);
                let mut advanced = false;
                for raw in updates {
                    let Some(id) = raw.get("update_id").and_then(|v| v.as_i64()) else { continue };
                    if id < offset {
                        continue;
                    }
                    match serde_json::from_value::<Update>(raw) {
                        Ok(update) => {
                            if let Err(e) = handle(&ctx, &tg, &update).await {
                                tracing::warn!(error = %e, update_id = id, "Telegram update not applied; asking again");
                                break;
                            }
                        }
                        Err(e) => tracing::debug!(error = %e, update_id = id, "Telegram update skipped"),
                    }
                    offset = id + 1;
                    advanced = true;
                }
                if advanced && let Err(e) = ctx.store.set_telegram_offset(offset).await {
                    tracing::warn!(error = %e, "cannot store the Telegram offset");
                }
            }
            Err(UpdatesError::WebhookActive) => {
                tracing::info!("a Telegram webhook is set; deleting it to use long polling");
                if let Err(e) = tg.delete_webhook().await {
                    tracing::warn!(error = %e, "deleteWebhook failed");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(60));
                }
            }
            Err(UpdatesError::Other(e)) => {
                tracing::warn!(error = %e, "Telegram updates");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// Registers the webhook with Telegram, retrying until it works.
pub async fn register_webhook(tg: Arc<Telegram>, url: String, secret: String) {
    let mut pause = Duration::from_secs(1);
    loop {
        match tg.set_webhook(&url, &secret).await {
            Ok(()) => {
                tracing::info!(%url, "Telegram webhook set");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "setWebhook failed; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(300));
            }
        }
    }
}

/// Updates from Telegram (webhook mode). Telegram sends the configured
/// secret in `X-Telegram-Bot-Api-Secret-Token`; anything else is refused.
#[utoipa::path(
    tag = "deliveries",
    request_body(content = serde_json::Value, description = "a Telegram Update"),
    params(("X-Telegram-Bot-Api-Secret-Token" = String, Header, description = "the webhook secret")),
    responses(
        (status = 200, description = "taken"),
        (status = 401, description = "`unauthorized`: wrong or missing secret", body = ErrorBody),
        (status = 404, description = "`not_found`: the bot is not in webhook mode", body = ErrorBody),
    )
)]
#[post("/api/msg/telegram/webhook")]
pub async fn telegram_webhook(
    req: HttpRequest,
    ctx: web::Data<Arc<Ctx>>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (Some(tg), Some(secret)) = (&ctx.telegram, ctx.webhook_secret()) else {
        return Err(ApiError::new(ErrorCode::NotFound, "the Telegram bot does not use a webhook here"));
    };
    let given =
        req.headers().get("X-Telegram-Bot-Api-Secret-Token").map(|v| v.as_bytes()).unwrap_or_default();
    if !bool::from(given.ct_eq(secret.as_bytes())) {
        return Err(ApiError::new(ErrorCode::Unauthorized, "wrong webhook secret"));
    }
    let update: Update = match serde_json::from_value(body.into_inner()) {
        Ok(u) => u,
        // Not something the bot reads: taken, so Telegram does not resend it.
        Err(_) => return Ok(HttpResponse::Ok().finish()),
    };
    handle(&ctx, tg, &update).await.map_err(|e| {
        tracing::warn!(error = %e, "Telegram update not applied");
        ApiError::unavailable("try again")
    })?;
    Ok(HttpResponse::Ok().finish())
}
