package provider

import "github.com/orgctl/orgctl/pkg/apierr"

// The error kinds live in pkg/apierr, below the HTTP layer, so that pkg/api
// need not import this package; these names keep provider.Error and its
// kinds where the providers' code and the commands look for them.
type (
	Error = apierr.Error
	Kind  = apierr.Kind
	Op    = apierr.Op
)

// Failure kinds (see apierr.Kind).
const (
	KindUnknown  = apierr.KindUnknown
	KindInvalid  = apierr.KindInvalid
	KindAuth     = apierr.KindAuth
	KindConflict = apierr.KindConflict
	KindPlan     = apierr.KindPlan
	KindServer   = apierr.KindServer
	KindNetwork  = apierr.KindNetwork
	KindNotFound = apierr.KindNotFound
)

// Operations (see apierr.Op).
const (
	OpUnknown = apierr.OpUnknown
	OpRead    = apierr.OpRead
	OpCreate  = apierr.OpCreate
	OpUpdate  = apierr.OpUpdate
	OpDelete  = apierr.OpDelete
)

// Helpers of apierr, under the names the providers use.
var (
	WithOp           = apierr.WithOp
	OutcomeUnknown   = apierr.OutcomeUnknown
	KindForStatus    = apierr.KindForStatus
	FirstNonEmpty    = apierr.FirstNonEmpty
	JoinMessage      = apierr.JoinMessage
	NotFoundOnCreate = apierr.NotFoundOnCreate
)
