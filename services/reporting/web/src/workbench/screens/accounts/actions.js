// What an administrator may do to staff accounts (账号管理), each one route of reporting's
// accounts API (services/reporting/src/lode_reporting/accounts/api.py) with the body it
// takes: POST /reporting/v1/accounts creates one; PATCH /reporting/v1/accounts/{username}
// changes one thing at a time (name and roles, disabled, unlock, password). The API decides:
// a 422 names the field, a 409 says why (an administrator disabling themselves, a username
// taken), a 403 that the caller is no administrator.
import { request } from "@/shared/api.js";

import { hasRole, STAFF_ROLES } from "../../session.js";

const ADMIN = ["admin"];
export const ACCOUNTS = "/reporting/v1/accounts";

export const accountUrl = (username) => `${ACCOUNTS}/${encodeURIComponent(username)}`;

/** The roles an account may hold, as choices: the role's name with its code. */
export function roleOptions(t) {
  return STAFF_ROLES.map((role) => ({ value: role, label: `${t(`role.${role}`)}（${role}）` }));
}

/** How the account stands, as the API says it: disabled, locked while `locked_until` is
 * given (the API gives it only while the lock lasts), both, or else active. */
export function standings(account) {
  const shown = [];
  if (account.disabled) shown.push("disabled");
  if (account.locked_until) shown.push("locked");
  return shown.length ? shown : ["active"];
}

/** Which of the actions below fit the account as it stands: enable a disabled account,
 * disable one in use, unlock one that is locked or has failed sign-ins counted. */
export function allowedFor(account) {
  const allowed = ["edit", "reset", account.disabled ? "enable" : "disable"];
  if (account.locked_until || account.failed_logins > 0) allowed.push("unlock");
  return allowed;
}

/** What to do about a refusal of an account route, where the general advice misleads. */
export function adviceFor(t) {
  return (problem) => {
    if (problem?.status === 403) return t("do.adminOnly");
    if (problem?.status === 409) return t("do.selfAdvice");
    return "";
  };
}

/** The form that creates an account. `policy` is what GET /reporting/v1/session/providers
 * says: `{password: {min_length}, oidc: {enabled, name}}`. */
export function createAction(t, policy) {
  const oidc = policy?.oidc?.enabled
    ? t("do.methodOidcOn", { name: policy.oidc.name || t("login.oidcDefault") })
    : t("do.methodOidcOff");
  return {
    id: "create",
    roles: ADMIN,
    type: "primary",
    label: t("do.create"),
    title: t("do.createTitle"),
    intro: t("do.createIntro"),
    done: t("do.createDone"),
    advice: adviceFor(t),
    fields: [
      { name: "username", type: "text", label: t("do.username"), required: true, hint: t("do.usernameHint"), autocomplete: "off" },
      { name: "display_name", type: "text", label: t("do.displayName"), hint: t("do.displayNameHint") },
      { name: "roles", type: "checkbox", label: t("do.roles"), required: true, hint: t("do.rolesHint"), options: roleOptions(t) },
      {
        name: "method",
        type: "radio",
        label: t("do.method"),
        default: "password",
        hint: oidc,
        options: [
          { value: "password", label: t("do.methodPassword") },
          { value: "oidc", label: t("do.methodOidc") },
        ],
      },
      {
        name: "password",
        type: "password",
        label: t("do.password"),
        required: true,
        hint: t("do.passwordHint", { min: policy?.password?.min_length ?? "—" }),
        showIf: (v) => v.method === "password",
      },
    ],
    // "organisation login only" is an account without a password (the API's `password`
    // left out); a password chosen but left empty is sent empty, for the API to name it
    send: (values, key) =>
      request("POST", ACCOUNTS, {
        body: {
          username: values.username,
          roles: values.roles,
          ...(values.display_name ? { display_name: values.display_name } : {}),
          ...(values.method === "password" ? { password: values.password } : {}),
        },
        idempotencyKey: key,
      }),
  };
}

/** The changes an administrator may make to `account` (each one PATCH). */
export function accountActions(account, t, policy) {
  const patch = (body) => request("PATCH", accountUrl(account.username), { body });
  const common = (id, type) => ({
    id,
    when: [id],
    roles: ADMIN,
    type,
    advice: adviceFor(t),
  });
  return [
    {
      ...common("edit", "primary"),
      label: t("do.edit"),
      title: t("do.editTitle"),
      intro: t("do.editIntro"),
      done: t("do.editDone"),
      fields: [
        { name: "display_name", type: "text", label: t("do.displayName"), default: account.display_name },
        { name: "roles", type: "checkbox", label: t("do.roles"), required: true, hint: t("do.rolesHint"), options: roleOptions(t), default: () => [...account.roles] },
      ],
      send: (values) =>
        patch({ roles: values.roles, ...(values.display_name ? { display_name: values.display_name } : {}) }),
    },
    {
      ...common("unlock", "warning"),
      label: t("do.unlock"),
      title: t("do.unlockTitle"),
      intro: t("do.unlockIntro"),
      done: t("do.unlockDone"),
      fields: [],
      send: () => patch({ unlock: true }),
    },
    {
      ...common("reset", "default"),
      label: t("do.reset"),
      title: t("do.resetTitle"),
      intro: t("do.resetIntro"),
      done: t("do.resetDone"),
      fields: [
        {
          name: "password",
          type: "password",
          label: t("do.newPassword"),
          required: true,
          hint: t("do.passwordHint", { min: policy?.password?.min_length ?? "—" }),
        },
      ],
      send: (values) => patch({ password: values.password }),
    },
    {
      ...common("enable", "primary"),
      label: t("do.enable"),
      title: t("do.enableTitle"),
      intro: t("do.enableIntro"),
      done: t("do.enableDone"),
      fields: [],
      send: () => patch({ disabled: false }),
    },
    {
      ...common("disable", "danger"),
      label: t("do.disable"),
      title: t("do.disableTitle"),
      intro: t("do.disableIntro"),
      done: t("do.disableDone"),
      fields: [],
      send: () => patch({ disabled: true }),
    },
  ];
}

/** True when the signed-in user may administer accounts (the menu shows the screen only
 * then; the API decides each call). */
export const mayAdminister = () => hasRole(...ADMIN);
