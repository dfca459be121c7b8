//! Webhook delivery: updates POSTed one at a time, in order, retried until
//! the bot answers 2xx (see the module documentation for the numbers).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use super::{Inner, api};
use crate::fakes::http::lock;

/// Attempts per update before it is dropped.
const MAX_ATTEMPTS: u32 = 10;

pub(super) async fn run(inner: Arc<Inner>) {
    // Telegram checks the webhook's certificate; the fake does not.
    let Ok(client) =
        reqwest::Client::builder().danger_accept_invalid_certs(true).timeout(Duration::from_secs(10)).build()
    else {
        return;
    };
    let mut attempts = 0u32;
    loop {
        let woken = inner.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let job = {
            let st = lock(&inner.state);
            match (&st.webhook, st.queue.front()) {
                (Some(hook), Some(update)) => Some((hook.clone(), update.clone())),
                _ => None,
            }
        };
        let Some((hook, update)) = job else {
            woken.await;
            continue;
        };
        let update_id = update["update_id"].as_i64();
        let mut request = client.post(&hook.url).json(&update);
        if let Some(secret) = &hook.secret_token {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        let outcome = match request.send().await {
            Ok(resp) if resp.status().is_success() => Ok(resp.bytes().await.unwrap_or_default()),
            Ok(resp) => Err(format!("Wrong response from the webhook: {}", resp.status())),
            Err(e) if e.is_timeout() => Err("Read timeout expired".to_owned()),
            Err(e) if e.is_connect() => Err("Connection refused".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        let still_first =
            |st: &super::State| st.queue.front().and_then(|u| u["update_id"].as_i64()) == update_id;
        match outcome {
            Ok(body) => {
                attempts = 0;
                {
                    let mut st = lock(&inner.state);
                    if still_first(&st) {
                        st.queue.pop_front();
                    }
                }
                // The answer to a webhook may carry one method call.
                if let Ok(Value::Object(mut call)) = serde_json::from_slice::<Value>(&body)
                    && let Some(Value::String(method)) = call.remove("method")
                {
                    let _ = api::call(&inner, "WEBHOOK-ANSWER", &method, call, Vec::new()).await;
                }
            }
            Err(message) => {
                attempts += 1;
                {
                    let mut st = lock(&inner.state);
                    st.last_webhook_error = Some((Utc::now().timestamp(), message));
                    if attempts >= MAX_ATTEMPTS && still_first(&st) {
                        st.queue.pop_front();
                        attempts = 0;
                    }
                }
                let pause = Duration::from_millis(100 << attempts.min(5).saturating_sub(1))
                    .min(Duration::from_secs(2));
                tokio::time::sleep(pause).await;
            }
        }
    }
}
