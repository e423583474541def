/** The administration API (`/v1/cluster`, `/v1/topics...`, `/v1/consumer-groups...`); see docs/admin-api.md. */
import { createAdminHandler } from '../src/shared/admin/http.js';
import { adminService } from '../src/shared/container.js';

export const handler = createAdminHandler(adminService());
