// Generated from the Rust protocol crate (services/protocol) by
// `VC_UPDATE_TS=1 cargo test -p vc-protocol`. Do not edit.

export type ErrorCode = "bad_request" | "unauthorized" | "invalid_token" | "token_expired" | "token_revoked" | "invalid_credentials" | "refresh_token_invalid" | "refresh_token_reused" | "forbidden" | "user_disabled" | "not_found" | "user_not_found" | "login_taken" | "last_admin" | "validation_failed" | "weak_password" | "too_many_attempts" | "payload_too_large" | "method_not_allowed" | "service_unavailable" | "interaction_not_found" | "link_not_found" | "link_expired" | "interaction_ended" | "consent_required" | "media_unavailable" | "invalid_phone" | "contact_missing" | "channel_not_configured" | "delivery_not_found" | "message_too_long" | "file_too_large" | "storage_full" | "file_not_found" | "internal";

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
partial: boolean, };

export type Role = "admin" | "supervisor" | "agent";

export type LoginRequest = { login: string, password: string, };

export type RefreshRequest = { refresh_token: string, };

export type UserRef = { id: string, login: string, role: Role, };

export type TokenPair = { access_token: string, refresh_token: string, 
/**
 * Seconds until `access_token` expires.
 */
expires_in: number, token_type: string, user: UserRef, };

export type User = { id: string, login: string, name: string, role: Role, disabled: boolean, created_at: string, updated_at: string, };

export type CreateUserRequest = { 
/**
 * 3-64 characters: latin letters, digits, `.`, `_`, `-`, `@`. Case-insensitive, unique.
 */
login: string, password: string, role: Role, 
/**
 * Display name, 1-200 characters.
 */
name: string, };

export type UpdateUserRequest = { name: string | null, role: Role | null, 
/**
 * Sets a new password and ends every session of the user.
 */
password: string | null, 
/**
 * `true` disables the account: its tokens stop working everywhere within seconds.
 */
disabled: boolean | null, };

export type ChangePasswordRequest = { current_password: string, new_password: string, };

export type UserList = { items: Array<User>, total: number, };

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
thumbnail: boolean, created_at: string, };

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
start_url?: string, } | { "type": "requested", request_id: string, what: RequestKind, } | { "type": "request_answered", request_id: string, what: RequestKind, outcome: RequestOutcome, detail?: string, } | { "type": "recording_ready", file_id: string, duration_s: number, } | { "type": "recording_failed", reason: string, } | { "type": "ended", by: EndedBy, reason?: string, };

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
recording?: RecordingInfo, events: Array<InteractionEvent>, };

export type CreateInteractionRequest = { client_name?: string, client_phone?: string, client_email?: string, client_telegram?: string, video_mode: VideoMode, max_quality?: MaxQuality, 
/**
 * Record the call; default from the server's settings (`[server] record_calls`).
 */
record?: boolean, };

export type UpdateInteractionRequest = { video_mode?: VideoMode, max_quality?: MaxQuality, };

export type EndInteractionRequest = { reason?: string, };

export type InteractionList = { items: Array<Interaction>, total: number, };

export type ClientLink = { client_url: string, short_url: string, expires_at: string, };

export type Localized = { ru: string, en: string, };

export type Branding = { company_name: string, logo_url: string | null, 
/**
 * CSS colour of buttons and accents.
 */
accent_color: string, };

export type JoinFeatures = { video_mode: VideoMode, max_quality: MaxQuality, 
/**
 * The call is recorded (the page says so before and during the call).
 */
record: boolean, };

export type JoinInfo = { interaction_id: string, status: InteractionStatus, branding: Branding, consent_text: Localized, features: JoinFeatures, agent_name: string, };

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
