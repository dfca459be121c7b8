// The decision part of "perfect negotiation" (the browser is the polite peer,
// the gateway the impolite one). Pure.

export type RemoteDescriptionAction = "apply" | "rollback-then-apply" | "ignore";

export interface NegotiationState {
  polite: boolean;
  /** An own offer is being created / set (setLocalDescription in flight). */
  makingOffer: boolean;
  signalingState: RTCSignalingState;
  /** A remote answer is being applied right now. */
  settingRemoteAnswer: boolean;
}

/**
 * What to do with a description from the other side:
 * - an answer is applied only while an own offer is outstanding;
 * - an offer is applied when the connection is ready for one; on a collision
 *   the polite peer rolls its own offer back and answers, the impolite one
 *   ignores the incoming offer.
 */
export function decideRemoteDescription(type: "offer" | "answer", s: NegotiationState): RemoteDescriptionAction {
  if (type === "answer") {
    return s.signalingState === "have-local-offer" ? "apply" : "ignore";
  }
  const ready = !s.makingOffer && (s.signalingState === "stable" || s.settingRemoteAnswer);
  if (ready) return "apply";
  return s.polite ? "rollback-then-apply" : "ignore";
}
