package app

import (
	"runtime"
	"sync"
	"weak"

	"github.com/chatlift/chatlift/throttle"
)

// importLimiters holds each process's fleet import throttle, one per
// Stores, so that the importer paces itself with the very limiter whose
// metrics /metrics serves. An entry goes when its Stores is collected.
var importLimiters sync.Map // weak.Pointer[Stores] → *throttle.Limiter

// importLimiter is the import throttle over the stores' platform database:
// the operator's limits (PUT /api/ops/import/settings) and the import
// slots are kept there, shared by every process of the fleet.
func importLimiter(stores *Stores) *throttle.Limiter {
	key := weak.Make(stores)
	if l, ok := importLimiters.Load(key); ok {
		return l.(*throttle.Limiter)
	}
	l, loaded := importLimiters.LoadOrStore(key, &throttle.Limiter{Store: stores.Platform})
	if !loaded {
		runtime.AddCleanup(stores, func(k weak.Pointer[Stores]) { importLimiters.Delete(k) }, key)
	}
	return l.(*throttle.Limiter)
}
