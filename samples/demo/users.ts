/**
 * The demo's directory (also the tests'): the jira-api sample's users, shaped like the REST API
 * document's `GET /myself` body, plus the service account the client-credentials flows map to.
 */
import { USERS as PEOPLE } from '../jira-api/users.js';

export const USERS = [
  ...PEOPLE,
  {
    self: 'http://localhost:8080/rest/api/2/user?username=svc-reports',
    key: 'JIRAUSER10002',
    name: 'svc-reports',
    emailAddress: 'svc-reports@example.com',
    displayName: 'Reporting service',
    active: true,
    deleted: false,
    timeZone: 'UTC',
  },
];
