//! A small JSON client for the REST API.

use reqwest::header::HeaderMap;
use serde_json::Value;

#[derive(Clone)]
pub struct Api {
    pub base: String,
    client: reqwest::Client,
}

/// Status, headers and the JSON body (or `Value::String` of the text).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `code` of an error body.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Api {
    pub fn new(base: &str) -> Self {
        // Test platforms may serve HTTPS with a certificate generated at start.
        let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap();
        Self { base: base.trim_end_matches('/').to_owned(), client }
    }

    async fn send(&self, req: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::Result<Reply> {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let res = req.send().await?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Reply { status, headers, body })
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Result<Reply> {
        self.send(self.client.get(format!("{}{path}", self.base)), token).await
    }

    /// `GET` with a raw `Authorization` header value.
    pub async fn get_with_authorization(&self, path: &str, authorization: &str) -> reqwest::Result<Reply> {
        let req = self.client.get(format!("{}{path}", self.base)).header("authorization", authorization);
        self.send(req, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Result<Reply> {
        self.send(self.client.post(format!("{}{path}", self.base)).json(body), token).await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> reqwest::Result<Reply> {
        let req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        self.send(req, None).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Result<Reply> {
        self.send(self.client.put(format!("{}{path}", self.base)).json(body), token).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> reqwest::Result<Reply> {
        self.send(self.client.delete(format!("{}{path}", self.base)), token).await
    }

    /// `POST` of raw bytes with a content type.
    pub async fn post_bytes(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Result<Reply> {
        let req =
            self.client.post(format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        self.send(req, token).await
    }

    /// `GET` of raw bytes: `(status, content type, body)`.
    pub async fn get_bytes(&self, path: &str) -> reqwest::Result<(u16, String, Vec<u8>)> {
        let res = self.client.get(format!("{}{path}", self.base)).send().await?;
        let status = res.status().as_u16();
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Ok((status, ct, res.bytes().await?.to_vec()))
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Result<Reply> {
        self.send(self.client.patch(format!("{}{path}", self.base)).json(body), token).await
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, login: &str, password: &str) -> Reply {
        self.post("/api/auth/login", None, &serde_json::json!({"login": login, "password": password}))
            .await
            .unwrap()
    }

    /// Creates a user (as an admin) and returns its id; panics on failure.
    pub async fn create_user(&self, admin: &str, login: &str, password: &str, role: &str) -> String {
        let body = serde_json::json!({"login": login, "password": password, "role": role, "name": login});
        let r = self.post("/api/users", Some(admin), &body).await.unwrap();
        assert_eq!(r.status, 201, "create {login}: {:?}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a team (as an admin), puts `agents` in it and has
    /// `supervisors` oversee it (user ids; a supervisor keeps its other
    /// teams); returns the team's id. Sign the users in afterwards: their
    /// tokens carry their teams.
    pub async fn team(&self, admin: &str, name: &str, agents: &[&str], supervisors: &[&str]) -> String {
        let r = self.post("/api/teams", Some(admin), &serde_json::json!({"name": name})).await.unwrap();
        assert_eq!(r.status, 201, "create team {name}: {:?}", r.body);
        let team = r.body["id"].as_str().unwrap().to_owned();
        for a in agents {
            let r = self
                .patch(&format!("/api/users/{a}"), Some(admin), &serde_json::json!({"team_id": team}))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "put {a} in {name}: {:?}", r.body);
        }
        for s in supervisors {
            let r = self.get(&format!("/api/users/{s}"), Some(admin)).await.unwrap();
            let mut teams: Vec<serde_json::Value> =
                r.body["supervises"].as_array().cloned().unwrap_or_default();
            teams.push(serde_json::json!(team));
            let r = self
                .patch(&format!("/api/users/{s}"), Some(admin), &serde_json::json!({"supervises": teams}))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{s} oversees {name}: {:?}", r.body);
        }
        team
    }

    /// Logs in and returns `(access_token, refresh_token)`; panics on failure.
    pub async fn tokens(&self, login: &str, password: &str) -> (String, String) {
        let r = self.login(login, password).await;
        assert_eq!(r.status, 200, "login {login}: {:?}", r.body);
        (
            r.body["access_token"].as_str().unwrap().to_owned(),
            r.body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }
}
