import { run as runAction } from '../main.js'
import { backupExport } from '../resources/backup-export.js'

/** The backup-export action: check (or wait for) one Cloud Backup snapshot export job. */
export async function run(): Promise<void> {
  await runAction(backupExport)
}
