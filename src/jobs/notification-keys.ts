import type { Principal } from "../identity/principal.js";

/** Each user's key for checking the signatures of their notifications. */
export interface NotificationKeys {
  keyFor(username: string): string;
}

/** `GET /notifications/key`: the caller's own key, and only theirs. */
export const notificationKeyOf = (keys: NotificationKeys, principal: Principal): string => keys.keyFor(principal.user.name);
