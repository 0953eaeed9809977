/** What the plugin exposes to the embedding program as `app.sluiceEnterprise` (also used by tests). */
import type { AuditSink } from './audit/audit-record.js';
import type { RetentionResult } from './audit/audit-retention.js';
import type { AuditStore } from './audit/audit-store.js';
import type { VerifyResult } from './audit/audit-verify.js';
import type { SiemForwarder } from './audit/siem-forwarder.js';
import type { LicenseService } from './license/license-service.js';
import type { MeteringService } from './metering/metering-service.js';
import type { QuotaService } from './metering/quota-service.js';

export interface EnterpriseApi {
  license: LicenseService;
  audit: {
    store: AuditStore;
    sink: AuditSink;
    verify(): VerifyResult;
    applyRetention(olderThanDays: number): RetentionResult;
    forwarder?: SiemForwarder;
  };
  metering: MeteringService;
  quotas: QuotaService;
}
