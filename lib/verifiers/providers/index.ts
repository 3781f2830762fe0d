/**
 * The preset table: provider name → preset record. Adding a provider is adding a record here.
 */
import { AUTH0 } from './auth0.js';
import { COGNITO } from './cognito.js';
import { GITHUB } from './github.js';
import { GOOGLE } from './google.js';
import { KEYCLOAK } from './keycloak.js';
import { LOGINRADIUS } from './loginradius.js';
import { MICROSOFT } from './microsoft.js';
import { MINIORANGE } from './miniorange.js';
import { MIQEY } from './miqey.js';
import { OIDC } from './oidc.js';
import { OKTA } from './okta.js';
import type { ProviderPreset } from './preset.js';

export type { FieldPath, ProviderPreset } from './preset.js';

/** Every built-in preset. `'custom'` is built from the options instead. */
export const PRESETS = Object.freeze({
  miniorange: MINIORANGE,
  loginradius: LOGINRADIUS,
  miqey: MIQEY,
  google: GOOGLE,
  github: GITHUB,
  microsoft: MICROSOFT,
  okta: OKTA,
  auth0: AUTH0,
  keycloak: KEYCLOAK,
  cognito: COGNITO,
  oidc: OIDC,
} satisfies Record<string, ProviderPreset>);

/** A built-in preset name. */
export type PresetName = keyof typeof PRESETS;
