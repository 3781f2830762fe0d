/** The sample's user directory: entries shaped like the REST API document's `GET /myself` body. */
export const USERS = [
  {
    self: 'http://localhost:8080/rest/api/2/user?username=admin',
    key: 'JIRAUSER10000',
    name: 'admin',
    emailAddress: 'admin@gmail.com',
    displayName: 'admin',
    active: true,
    deleted: false,
    timeZone: 'Asia/Calcutta',
  },
  {
    self: 'http://localhost:8080/rest/api/2/user?username=jdoe',
    key: 'JIRAUSER10001',
    name: 'jdoe',
    emailAddress: 'john.doe@example.com',
    displayName: 'John Doe',
    active: true,
    deleted: false,
    timeZone: 'Europe/Berlin',
  },
];
