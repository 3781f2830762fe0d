/** The directory entries tests use: shaped like the REST API document's `GET /myself` body. */
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
