// The backup-export action (backup-export/action.yml): its run() from the shared bundle.
import { runBackupExport } from './index.js'
await runBackupExport()
