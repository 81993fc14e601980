// The action of backup-restore/action.yml: its run from the shared bundle.
import { runAction } from './engine/index.js'
await runAction('backup-restore')
