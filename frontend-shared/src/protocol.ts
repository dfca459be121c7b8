// Generated from the Rust protocol crate (services/protocol) by
// `VC_UPDATE_TS=1 cargo test -p vc-protocol`. Do not edit.

export type ErrorCode = "bad_request" | "unauthorized" | "invalid_token" | "token_expired" | "token_revoked" | "invalid_credentials" | "refresh_token_invalid" | "refresh_token_reused" | "forbidden" | "user_disabled" | "not_found" | "user_not_found" | "login_taken" | "last_admin" | "validation_failed" | "weak_password" | "too_many_attempts" | "payload_too_large" | "method_not_allowed" | "service_unavailable" | "interaction_not_found" | "link_not_found" | "link_expired" | "interaction_ended" | "consent_required" | "media_unavailable" | "invalid_phone" | "contact_missing" | "channel_not_configured" | "delivery_not_found" | "message_too_long" | "file_too_large" | "storage_full" | "file_not_found" | "file_deleted" | "feature_disabled" | "team_not_found" | "already_answered" | "invalid_image" | "not_scheduled" | "metrics_not_ready" | "internal";

export type ErrorBody = { code: ErrorCode, message: string, };

export type RecordingFormat = "webm" | "mp4";

export type RecordingInfo = { 
/**
 * Download with `GET /api/files/{file_id}` (agent of the call, supervisors, admins).
 */
file_id: string, format: RecordingFormat, 
/**
 * Length of the merged file, seconds.
 */
duration_s: number, size: number, 
/**
 * Hex SHA-256 of the file.
 */
sha256: string, 
/**
 * Wall-clock time of the recording's first instant.
 */
started_at: string, 
/**
 * Whether the file has the client's video (else audio only).
 */
has_video: boolean, 
/**
 * Some of the raw tracks ended abruptly (a gateway was killed): the
 * recording has a gap where the call went on unrecorded.
 */
partial: boolean, 
/**
 * When the storage retention policy deleted the file (it can no longer
 * be downloaded; the rest of this record stays).
 */
deleted_at?: string, };

export type Role = "admin" | "supervisor" | "agent";

export type LoginRequest = { login: string, password: string, };

export type RefreshRequest = { refresh_token: string, };

export type UserRef = { id: string, login: string, role: Role, };

export type TokenPair = { access_token: string, refresh_token: string, 
/**
 * Seconds until `access_token` expires.
 */
expires_in: number, token_type: string, user: UserRef, };

export type User = { id: string, login: string, name: string, role: Role, disabled: boolean, 
/**
 * The team an agent works in (supervisors of that team see its calls).
 */
team_id: string | null, 
/**
 * The teams a supervisor oversees.
 */
supervises: Array<string>, created_at: string, updated_at: string, };

export type CreateUserRequest = { 
/**
 * 3-64 characters: latin letters, digits, `.`, `_`, `-`, `@`. Case-insensitive, unique.
 */
login: string, password: string, role: Role, 
/**
 * Display name, 1-200 characters.
 */
name: string, 
/**
 * An agent's team.
 */
team_id?: string, 
/**
 * A supervisor's teams.
 */
supervises?: Array<string>, };

export type UpdateUserRequest = { name: string | null, role: Role | null, 
/**
 * Sets a new password and ends every session of the user.
 */
password: string | null, 
/**
 * `true` disables the account: its tokens stop working everywhere within seconds.
 */
disabled: boolean | null, 
/**
 * An agent's team; `null` takes the agent out of its team.
 */
team_id?: string | null, 
/**
 * A supervisor's teams (replaces the list).
 */
supervises?: Array<string>, };

export type ChangePasswordRequest = { current_password: string, new_password: string, };

export type UserList = { items: Array<User>, total: number, };

export type Team = { id: string, name: string, 
/**
 * Agents in it.
 */
agents: number, 
/**
 * Supervisors overseeing it.
 */
supervisors: number, created_at: string, };

export type TeamRequest = { 
/**
 * 1-100 characters, unique.
 */
name: string, };

export type TeamList = { items: Array<Team>, };

export type Channel = "sms" | "telegram" | "email" | "webhook";

export type DeliveryStatus = "queued" | "awaiting_start" | "sent" | "delivered" | "failed";

export type Language = "ru" | "en";

export type FailureReason = "bad_credentials" | "no_money" | "invalid_number" | "undeliverable" | "forbidden" | "flood_limit" | "ip_blocked" | "expired" | "chat_not_found" | "bot_blocked" | "start_link_expired" | "rejected" | "provider_error" | "provider_unavailable" | "unknown_outcome" | "not_configured";

export type SendLinkRequest = { channel: Channel, 
/**
 * Language of the message; default: Russian.
 */
language?: Language, };

export type SendLinkAccepted = { delivery_id: string, status: DeliveryStatus, 
/**
 * For Telegram without a chat id: the link the client opens to start the bot.
 */
telegram_start_url?: string, };

export type DeliveryAttempt = { n: number, at: string, 
/**
 * `sent`, `delivered`, `failed`, `retry` (a transient failure, tried
 * again later) or `checked` (a status check after an unanswered send).
 */
outcome: string, provider_id?: string, error?: string, };

export type Delivery = { id: string, interaction_id: string, channel: Channel, 
/**
 * Where it went: phone (E.164), e-mail, Telegram chat, or the webhook.
 */
to: string, status: DeliveryStatus, provider_id: string | null, 
/**
 * Why it failed.
 */
reason: FailureReason | null, 
/**
 * The provider's own words about the failure.
 */
detail: string | null, 
/**
 * Telegram awaiting Start: the `t.me` link the client opens.
 */
start_url: string | null, created_at: string, updated_at: string, attempts: Array<DeliveryAttempt>, };

export type Channels = { sms: boolean, telegram: boolean, email: boolean, webhook: boolean, 
/**
 * The webhook button's caption (the customer's own channel).
 */
webhook_label: Localized, };

export type LinkOpen = { at: string, user_agent: string | null, 
/**
 * A keyed hash of the client's IP address: equal for opens from one
 * address, without keeping the address.
 */
ip_hash: string | null, };

export type FileKind = "chat" | "screenshot" | "photo" | "annotated" | "recording";

export type FileInfo = { id: string, interaction_id: string, 
/**
 * The name the uploader gave (for display and download only; never a path).
 */
name: string, size: number, 
/**
 * Hex SHA-256 of the content.
 */
sha256: string, 
/**
 * Sniffed from the content, not taken from the uploader.
 */
content_type: string, uploaded_by: Party, 
/**
 * What the file is (from the upload's `kind`).
 */
kind: FileKind, 
/**
 * For an annotated screenshot: the original it was drawn on.
 */
original?: string, 
/**
 * `GET /api/files/{id}/thumbnail` gives a small image.
 */
thumbnail: boolean, created_at: string, 
/**
 * On a chat message's file: when the storage retention policy deleted
 * it (it can no longer be downloaded).
 */
deleted_at?: string, };

export type GeoLang = "ru" | "en";

export type Address = { 
/**
 * The whole address in one line, as the provider writes it.
 */
display: string, lang: GeoLang, road?: string, house_number?: string, 
/**
 * City, town or village.
 */
city?: string, postcode?: string, country?: string, };

export type MapLinks = { yandex: string, osm: string, };

export type MapTile = { 
/**
 * The tile image (256 × 256 px).
 */
url: string, 
/**
 * The point on the tile, in px from its top left corner.
 */
x: number, y: number, };

export type Location = { 
/**
 * WGS 84 degrees.
 */
lat: number, lon: number, 
/**
 * Radius of the browser's confidence circle, metres.
 */
accuracy_m: number, 
/**
 * Metres above the WGS 84 ellipsoid, when the device knows it.
 */
altitude_m?: number, 
/**
 * When the device measured it.
 */
measured_at: string, 
/**
 * When the server received it.
 */
received_at: string, 
/**
 * None when vc-geo could not find one (the coordinates stay usable).
 */
address?: Address, links: MapLinks, tile?: MapTile, };

export type ChatMessage = { id: string, 
/**
 * 1, 2, 3, ... per interaction, without gaps.
 */
seq: number, from: Party, 
/**
 * The sender's display name (the agent's name; the client's if known).
 */
author?: string, 
/**
 * Plain text (never HTML); empty for a file-only message.
 */
text: string, 
/**
 * An attached file (uploaded to vc-fileserver first).
 */
file?: FileInfo, 
/**
 * The client's position (a location message).
 */
location?: Location, at: string, };

export type ReadMarks = { agent: number, client: number, };

export type ChatHistory = { items: Array<ChatMessage>, 
/**
 * The last `seq` of the interaction's chat.
 */
last_seq: number, read: ReadMarks, };

export type CollabMessage = { "t": "pointer", x: number, y: number, } | { "t": "click", x: number, y: number, } | { "t": "pointer_off" };

export type LinkOpens = { opens: Array<LinkOpen>, };

export type MinAvgMax = { min: number, avg: number, max: number, };

export type Direction = "client_to_agent" | "agent_to_client";

export type MediaAggregate = { 
/**
 * kbit/s the sender delivered to the gateway.
 */
bitrate_kbps?: MinAvgMax, 
/**
 * Lost packets, percent of those expected.
 */
loss_pct?: MinAvgMax, 
/**
 * Interarrival jitter at the receiver, ms.
 */
jitter_ms?: MinAvgMax, 
/**
 * Video only: frame height in pixels.
 */
height?: MinAvgMax, 
/**
 * Video only: frame width in pixels (the most common one).
 */
width?: number, 
/**
 * Video only: frames per second.
 */
fps?: MinAvgMax, };

export type DirectionMetrics = { audio: MediaAggregate, video: MediaAggregate, };

export type ClientDevice = { user_agent: string, 
/**
 * e.g. `Android`, `iOS`, `Windows 10`, `Linux`, `Mac OSX`.
 */
os?: string, os_version?: string, 
/**
 * e.g. `Chrome`, `Safari`, `Firefox`, `Yandex Browser`.
 */
browser?: string, browser_version?: string, 
/**
 * A phone or tablet (not a desktop browser).
 */
mobile: boolean, };

export type CallTiming = { 
/**
 * When the link first went out (SMS, Telegram or e-mail accepted by
 * the provider); `None` when it was copied.
 */
link_sent_at?: string, to_link_opened_s?: number, 
/**
 * To the client's join (consent given).
 */
to_joined_s?: number, 
/**
 * To both parties' media connected (the call is active).
 */
to_connected_s?: number, 
/**
 * From the client's join to the call being active.
 */
waiting_s?: number, 
/**
 * From active to the end.
 */
talk_s?: number, };

export type Reconnects = { agent: number, client: number, };

export type QualityRating = "unknown" | "good" | "fair" | "poor";

export type QualityIssue = "video_loss" | "audio_loss" | "low_bitrate" | "low_resolution" | "low_frame_rate" | "high_rtt" | "high_jitter" | "reconnects";

export type Quality = { rating: QualityRating, issues: Array<QualityIssue>, };

export type CallMetricsSummary = { computed_at: string, timing: CallTiming, ended_by?: EndedBy, end_reason?: string, reconnects: Reconnects, client_to_agent: DirectionMetrics, agent_to_client: DirectionMetrics, 
/**
 * Round trip between the gateway and each party, ms.
 */
agent_rtt_ms?: MinAvgMax, client_rtt_ms?: MinAvgMax, device?: ClientDevice, 
/**
 * The client's last position during the call.
 */
location?: Location, chat_messages: number, 
/**
 * Files in the chat (screenshots and photos included).
 */
files: number, screenshots: number, quality: Quality, 
/**
 * How many 5-second samples the gateway reported.
 */
samples: number, };

export type MetricsPoint = { at: string, 
/**
 * Seconds since the call became active (negative before).
 */
t: number, direction: Direction, video_kbps?: number, audio_kbps?: number, video_loss_pct?: number, audio_loss_pct?: number, jitter_ms?: number, 
/**
 * The sender's round trip to the gateway plus the receiver's, ms.
 */
rtt_ms?: number, height?: number, fps?: number, };

export type CallMetrics = { interaction_id: string, status: InteractionStatus, summary: CallMetricsSummary, series: Array<MetricsPoint>, };

export type VideoMode = "two_way" | "one_way";

export type MaxQuality = "480p" | "720p" | "1080p" | "2160p";

export type InteractionStatus = "created" | "waiting" | "active" | "ended" | "failed";

export type Party = "agent" | "client";

export type EndedBy = "agent" | "client" | "supervisor" | "system";

export type EventKind = { "type": "created", by: string, } | { "type": "status", status: InteractionStatus, reason?: string, } | { "type": "link_opened" } | { "type": "consent_given" } | { "type": "link_renewed" } | { "type": "presence", party: Party, online: boolean, } | { "type": "media", party: Party, connected: boolean, } | { "type": "peer_media", party: Party, audio: boolean, video: boolean, 
/**
 * The video is a shared screen.
 */
screen: boolean, } | { "type": "settings", video_mode: VideoMode, max_quality: MaxQuality, } | { "type": "connect_timing", ms: number, } | { "type": "delivery", delivery_id: string, channel: Channel, status: DeliveryStatus, reason?: FailureReason, detail?: string, 
/**
 * For a Telegram delivery awaiting Start: the link the client opens.
 */
start_url?: string, } | { "type": "requested", request_id: string, what: RequestKind, } | { "type": "request_answered", request_id: string, what: RequestKind, outcome: RequestOutcome, detail?: string, } | { "type": "recording_ready", file_id: string, duration_s: number, } | { "type": "recording_failed", reason: string, } | { "type": "file_deleted", file_id: string, class: StorageClass, name: string, } | { "type": "schedule", state: ScheduleState, at: string, agent_id?: string, } | { "type": "reminder", at: string, } | { "type": "ended", by: EndedBy, reason?: string, };

export type InteractionEvent = { seq: number, at: string, event: EventKind, };

export type Presence = { agent: boolean, client: boolean, };

export type Interaction = { id: string, status: InteractionStatus, agent_id: string, agent_name: string, client_name: string | null, client_phone: string | null, client_email: string | null, client_telegram: string | null, video_mode: VideoMode, max_quality: MaxQuality, created_at: string, updated_at: string, link_expires_at: string, started_at: string | null, ended_at: string | null, end_reason: string | null, presence: Presence, 
/**
 * The client's link: only in the answer that created (or renewed) it;
 * the server keeps a hash, not the link.
 */
client_url?: string, 
/**
 * The short link to the current client link (kept, so it can be sent
 * and copied again).
 */
short_url?: string, 
/**
 * Every position the client sent, oldest first.
 */
locations: Array<Location>, 
/**
 * Whether the call is recorded.
 */
record: boolean, 
/**
 * The merged recording, once vc-records has stored it.
 */
recording?: RecordingInfo, 
/**
 * The agent's team when the interaction was created.
 */
team_id?: string, 
/**
 * The call functions of this interaction (the admins' defaults when it was created).
 */
features: FeatureSettings, 
/**
 * Values of the admins' custom fields.
 */
custom_fields: { [key in string]: CustomValue }, 
/**
 * The client's post-call survey answers.
 */
survey?: SurveyResponse, 
/**
 * Set for a scheduled call.
 */
schedule?: Schedule, 
/**
 * The call's metrics (vc-stat), once the call has ended and they are computed.
 */
metrics?: CallMetricsSummary, events: Array<InteractionEvent>, };

export type CreateInteractionRequest = { client_name?: string, client_phone?: string, client_email?: string, client_telegram?: string, video_mode: VideoMode, max_quality?: MaxQuality, 
/**
 * Record the call; default from the server's settings (`[server] record_calls`).
 */
record?: boolean, 
/**
 * Values of the admins' custom fields (required ones must be given).
 */
custom_fields?: { [key in string]: CustomValue }, };

export type UpdateInteractionRequest = { video_mode?: VideoMode, max_quality?: MaxQuality, 
/**
 * Custom field values to set (merged; `null` clears a field).
 */
custom_fields?: { [key in string]: CustomValue | null }, };

export type EndInteractionRequest = { reason?: string, };

export type InteractionList = { items: Array<Interaction>, total: number, };

export type ClientLink = { client_url: string, short_url: string, expires_at: string, };

export type Localized = { ru: string, en: string, };

export type BrandingSettings = { 
/**
 * 1-100 characters.
 */
company_name: string, 
/**
 * The current logo (`POST /api/settings/branding/logo` uploads one;
 * `null` removes it). Served at `GET /api/branding/logo/{id}`.
 */
logo_file_id: string | null, 
/**
 * Buttons and accents, `#rrggbb`.
 */
accent_color: string, 
/**
 * The page background, `#rrggbb`.
 */
background_color: string, 
/**
 * What the client accepts before joining; may mention the recording.
 */
consent_text: Localized, 
/**
 * Where the client page sends the client after the call (and the
 * survey); `null`: the page shows its own "thank you".
 */
redirect_url: string | null, };

export type LogoUploaded = { logo_file_id: string, width: number, height: number, 
/**
 * `GET` this to show it.
 */
url: string, };

export type FeatureSettings = { two_way_video: boolean, one_way_video: boolean, screen_share: boolean, chat: boolean, files: boolean, pointer: boolean, screenshots: boolean, hd_photo: boolean, geolocation: boolean, 
/**
 * Ask for the client's location as soon as it joins (needs `geolocation`).
 */
auto_geolocation: boolean, recording: boolean, survey: boolean, 
/**
 * The highest video quality an agent may choose.
 */
max_quality: MaxQuality, };

export type Feature = "two_way_video" | "one_way_video" | "screen_share" | "chat" | "files" | "pointer" | "screenshots" | "hd_photo" | "geolocation" | "recording" | "survey";

export type CustomFieldKind = "text" | "number" | "select" | "date";

export type CustomFieldDef = { 
/**
 * 1-40 characters `a-z`, `0-9`, `_`, starting with a letter; unique.
 */
key: string, label: Localized, kind: CustomFieldKind, 
/**
 * The choices of a `select` field (1-50, each 1-100 characters).
 */
options: Array<string>, 
/**
 * Agents must fill it when creating an interaction.
 */
required: boolean, };

export type CustomValue = number | string;

export type CustomFieldsSettings = { 
/**
 * At most 30.
 */
fields: Array<CustomFieldDef>, };

export type QuestionKind = "rating" | "choice" | "text";

export type SurveyQuestion = { 
/**
 * Given by the server when absent; keep it when editing so answers stay linked.
 */
id?: string, kind: QuestionKind, text: Localized, 
/**
 * The choices of a `choice` question (2-10).
 */
options: Array<Localized>, required: boolean, };

export type SurveySettings = { 
/**
 * At most 20.
 */
questions: Array<SurveyQuestion>, };

export type SurveyAnswer = { question_id: string, rating?: number, choice?: number, text?: string, };

export type SurveySubmission = { answers: Array<SurveyAnswer>, };

export type SurveyResponseItem = { question_id: string, kind: QuestionKind, question: Localized, rating?: number, 
/**
 * The chosen option's text.
 */
choice?: Localized, text?: string, };

export type SurveyResponse = { submitted_at: string, answers: Array<SurveyResponseItem>, };

export type ScheduleState = "pending" | "link_sent" | "started" | "cancelled" | "missed";

export type Schedule = { at: string, 
/**
 * The client's IANA time zone (e.g. `Europe/Moscow`): the time in
 * messages to the client is written in it.
 */
time_zone: string, send_via: Channel, language: Language, 
/**
 * Minutes before `at` the link is sent.
 */
lead_minutes: number, state: ScheduleState, 
/**
 * Who booked it.
 */
created_by: string, link_sent_at?: string, delivery_id?: string, reminded_at?: string, cancelled_at?: string, cancel_reason?: string, 
/**
 * The message that told the client of the cancellation (`GET /api/deliveries/{id}`).
 */
cancel_delivery_id?: string, };

export type CreateScheduleRequest = { agent_id?: string, client_name?: string, client_phone?: string, client_email?: string, client_telegram?: string, 
/**
 * RFC 3339; must be in the future.
 */
at: string, 
/**
 * IANA zone of the client; default `UTC`.
 */
time_zone?: string, send_via: Channel, 
/**
 * 0-10080 (a week); default 15.
 */
lead_minutes?: number, language?: Language, video_mode?: VideoMode, max_quality?: MaxQuality, custom_fields?: { [key in string]: CustomValue }, };

export type UpdateScheduleRequest = { at?: string, time_zone?: string, agent_id?: string, lead_minutes?: number, send_via?: Channel, };

export type CancelScheduleRequest = { 
/**
 * Told to the client with the cancellation (at most 500 characters).
 */
reason?: string, 
/**
 * Tell the client through the call's channel; default `true`.
 */
notify?: boolean, };

export type ScheduledCall = { interaction_id: string, agent_id: string, agent_name: string, team_id?: string, client_name: string | null, client_phone: string | null, client_email: string | null, client_telegram: string | null, schedule: Schedule, };

export type ScheduleList = { items: Array<ScheduledCall>, total: number, };

export type StorageClass = "chat_files" | "screenshots" | "recordings";

export type ClassUsage = { class: StorageClass, files: number, bytes: number, };

export type StorageUsage = { usage: Array<ClassUsage>, 
/**
 * Of the file system the files live on.
 */
disk_total_bytes: number, disk_free_bytes: number, 
/**
 * The quota configured for all files, if any.
 */
quota_bytes?: number, };

export type RetentionSettings = { 
/**
 * Days to keep each class (1-36500); `null`: keep for ever.
 */
chat_files_days: number | null, screenshots_days: number | null, recordings_days: number | null, 
/**
 * When the cleanup runs: a cron expression (5 fields, UTC), e.g. `0 3 * * *`.
 */
schedule: string, 
/**
 * When it runs next (answers only).
 */
next_run?: string, };

export type CleanupRequest = { 
/**
 * `true`: only list what would be deleted.
 */
dry_run: boolean, };

export type CleanupItem = { file_id: string, interaction_id: string, class: StorageClass, name: string, size: number, created_at: string, };

export type CleanupReport = { id: string, dry_run: boolean, 
/**
 * `manual` or `schedule`.
 */
trigger: string, started_at: string, finished_at: string, files: number, bytes: number, 
/**
 * The files (at most 1,000 listed; `files` counts all).
 */
items: Array<CleanupItem>, };

export type CleanupLog = { items: Array<CleanupReport>, total: number, };

export type Branding = { company_name: string, logo_url: string | null, 
/**
 * CSS colour of buttons and accents.
 */
accent_color: string, 
/**
 * CSS colour of the page background.
 */
background_color?: string, 
/**
 * Where the page sends the client after the call (and the survey).
 */
redirect_url?: string, };

export type JoinFeatures = { video_mode: VideoMode, max_quality: MaxQuality, 
/**
 * The call is recorded (the page says so before and during the call).
 */
record: boolean, 
/**
 * Which call functions the page offers (absent ones are refused too).
 */
enabled: FeatureSettings, };

export type JoinInfo = { interaction_id: string, status: InteractionStatus, branding: Branding, consent_text: Localized, features: JoinFeatures, agent_name: string, 
/**
 * The post-call survey, when there is one.
 */
survey?: SurveySettings, };

export type JoinRequest = { 
/**
 * Must be `true`: the client accepted the consent text.
 */
consent: boolean, };

export type JoinResponse = { client_token: string, interaction_id: string, 
/**
 * Seconds until `client_token` expires (join again with the link to renew).
 */
expires_in: number, };

export type ControlIn = { "type": "hello", token: string, last_seq?: number, 
/**
 * The last chat `seq` this page has; later messages follow the welcome.
 */
last_chat_seq?: number, } | { "type": "ping" } | { "type": "media_state", audio: boolean, video: boolean, screen?: boolean, } | { "type": "chat", client_msg_id: string, text?: string, file_id?: string, 
/**
 * The agent's request this message answers (an HD photo).
 */
request_id?: string, } | { "type": "location", client_msg_id: string, lat: number, lon: number, accuracy_m: number, altitude_m?: number, 
/**
 * When the device measured it, epoch milliseconds.
 */
measured_at_ms: number, 
/**
 * The agent's request this answers, if any.
 */
request_id?: string, 
/**
 * The language of the address (default `ru`).
 */
lang?: GeoLang, } | { "type": "request", what: RequestKind, } | { "type": "request_declined", request_id: string, outcome: RequestOutcome, detail?: string, } | { "type": "chat_read", seq: number, } | { "type": "timing", mark: TimingMark, at_ms: number, };

export type TimingMark = "join_tap" | "first_remote_frame";

export type RequestKind = "location" | "photo";

export type RequestOutcome = "done" | "declined" | "unavailable" | "failed";

export type InteractionSnapshot = { id: string, status: InteractionStatus, video_mode: VideoMode, max_quality: MaxQuality, agent_name: string, presence: Presence, 
/**
 * The other party's last announced microphone / camera state.
 */
peer_audio: boolean, peer_video: boolean, 
/**
 * The other party's video is a shared screen.
 */
peer_screen: boolean, 
/**
 * The client's page asks for the position as soon as it joins.
 */
auto_location: boolean, };

export type ControlOut = { "type": "welcome", role: Party, interaction: InteractionSnapshot, last_seq: number, 
/**
 * The chat's last `seq` (messages after the hello's `last_chat_seq` follow).
 */
last_chat_seq: number, read: ReadMarks, } | { "type": "event", event: InteractionEvent, } | { "type": "pong" } | { "type": "chat", message: ChatMessage, } | { "type": "chat_ack", client_msg_id: string, message: ChatMessage, } | { "type": "chat_error", client_msg_id: string, code: string, message: string, } | { "type": "chat_read", party: Party, seq: number, } | { "type": "error", code: string, message: string, };

export type IceServer = { urls: Array<string>, username?: string, credential?: string, };

export type MediaAccess = { role: Party, 
/**
 * Absolute `ws://` or `wss://` URL, or a path on this origin.
 */
signaling_url: string, 
/**
 * Short-lived token for this room and role; the first signaling frame.
 */
room_token: string, expires_in: number, ice_servers: Array<IceServer>, video_mode: VideoMode, max_quality: MaxQuality, };

export type IceCandidate = { candidate: string, sdpMid?: string, sdpMLineIndex?: number, usernameFragment?: string, };

export type SignalIn = { "type": "join", token: string, } | { "type": "offer", sdp: string, } | { "type": "answer", sdp: string, } | { "type": "candidate", candidate: IceCandidate, } | { "type": "ping" };

export type SignalOut = { "type": "joined", peer_id: string, role: Party, other_present: boolean, } | { "type": "offer", sdp: string, } | { "type": "answer", sdp: string, } | { "type": "candidate", candidate: IceCandidate, } | { "type": "peer", role: Party, present: boolean, } | { "type": "pong" } | { "type": "error", code: string, message: string, } | { "type": "closed", reason: string, };
