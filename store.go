package chatlift

import (
	"context"
	"time"
)

// ChatStore holds a chat product's data. The legacy chat product has one;
// the unified platform has another for the chat data of upgraded accounts.
// The upgrade copies from the first to the second. Every Put is an upsert by
// key, so repeating one is harmless.
type ChatStore interface {
	ConversationStore

	// NextIDs reserves n consecutive ids of the named sequence and returns the
	// first. A sequence "<table>/<account id>" numbers one account's rows of
	// that table and starts after the largest id already there.
	NextIDs(ctx context.Context, sequence string, n int) (int64, error)

	PutChatAccount(ctx context.Context, a *ChatAccount) error
	ChatAccount(ctx context.Context, id int64) (*ChatAccount, error)
	ChatAccounts(ctx context.Context, f AccountFilter) ([]*ChatAccount, error)
	// SetChatAccountState moves the account to state and returns the state it
	// had. It waits for every InAccountWrite of the account in flight.
	SetChatAccountState(ctx context.Context, id int64, state string) (previous string, err error)
	// InAccountWrite runs fn on a view of the store within one transaction,
	// only while the account is active (else EUNAVAILABLE, with ErrFrozen
	// in the chain): a write either lands before the account is frozen or
	// not at all.
	InAccountWrite(ctx context.Context, accountID int64, fn func(ChatStore) error) error

	PutAgents(ctx context.Context, agents []*Agent) error
	Agents(ctx context.Context, accountID int64) ([]*Agent, error)
	// Agent returns the account's agent id; ENOTFOUND if it has none.
	Agent(ctx context.Context, accountID, id int64) (*Agent, error)
	// AgentByEmail returns the account's agent with the email, compared
	// as NormalizeEmail does (without regard to case); ENOTFOUND if none.
	AgentByEmail(ctx context.Context, accountID int64, email string) (*Agent, error)

	PutObjects(ctx context.Context, objs []*Object) error
	Objects(ctx context.Context, accountID int64, kind ObjectKind) ([]*Object, error)
	// Object returns the account's object of the kind and id; ENOTFOUND if
	// it has none.
	Object(ctx context.Context, accountID int64, kind ObjectKind, id int64) (*Object, error)
	DeleteObjects(ctx context.Context, accountID int64, kind ObjectKind, ids []int64) error

	PutChats(ctx context.Context, chats []*Chat) error
	Chat(ctx context.Context, accountID int64, id string) (*Chat, error)
	Chats(ctx context.Context, f ChatFilter) ([]*Chat, error)
	// ChatIDs returns those of ids that are chats of the account, in id order.
	ChatIDs(ctx context.Context, accountID int64, ids []string) ([]string, error)
	PutVisitors(ctx context.Context, visitors []*Visitor) error
	Visitor(ctx context.Context, accountID int64, id string) (*Visitor, error)
	Visitors(ctx context.Context, f KeyFilter) ([]*Visitor, error)
	PutAnalytics(ctx context.Context, events []*AnalyticsEvent) error
	Analytics(ctx context.Context, f KeyFilter) ([]*AnalyticsEvent, error)
	// PutAgentTimeline writes agent timeline entries, each by its key.
	PutAgentTimeline(ctx context.Context, entries []*AgentTimelineEntry) error
	// AgentTimeline returns a page of the account's agent timeline in
	// (start time, agent) order, as f selects.
	AgentTimeline(ctx context.Context, f TimelineFilter) ([]*AgentTimelineEntry, error)
	CountHistory(ctx context.Context, accountID int64) (HistoryCount, error)

	PutOAuthClient(ctx context.Context, c *OAuthClient) error
	OAuthClients(ctx context.Context, accountID int64) ([]*OAuthClient, error)
	// OAuthClient returns the account's OAuth client id; ENOTFOUND if it
	// has none.
	OAuthClient(ctx context.Context, accountID, id int64) (*OAuthClient, error)
	OAuthClientByIdentifier(ctx context.Context, identifier string) (*OAuthClient, error)
	PutOAuthTokens(ctx context.Context, tokens []*OAuthToken) error
	OAuthTokenByHash(ctx context.Context, hash string) (*OAuthToken, error)
	OAuthTokens(ctx context.Context, accountID int64) ([]*OAuthToken, error)
	// RevokeOAuthTokens revokes every active token of the account and returns how many.
	RevokeOAuthTokens(ctx context.Context, accountID int64, at time.Time) (int, error)
	// DeleteOAuthClient removes the account's client id with its pending
	// authorization codes and revokes its active tokens at at; ENOTFOUND if
	// the account has no such client.
	DeleteOAuthClient(ctx context.Context, accountID, id int64, at time.Time) error
	// OAuthTokenByRefreshHash returns the token whose refresh token has the
	// hash, revoked or not; ENOTFOUND if none (or hash is empty).
	OAuthTokenByRefreshHash(ctx context.Context, hash string) (*OAuthToken, error)
	// RevokeOAuthToken revokes one token of the account at at and reports
	// whether this call revoked it: of concurrent calls on an active token
	// exactly one returns true. ENOTFOUND if the account has no such token.
	RevokeOAuthToken(ctx context.Context, accountID, id int64, at time.Time) (bool, error)
	// PutOAuthCode stores a new authorization code, dropping the account's
	// codes that expired before c was created.
	PutOAuthCode(ctx context.Context, c *OAuthCode) error
	// TakeOAuthCode removes the code with the hash and returns it, expired or
	// not, so that a code is redeemed at most once; ENOTFOUND if none.
	TakeOAuthCode(ctx context.Context, hash string) (*OAuthCode, error)

	// RawRows reads a history table's rows of the account in key order, after
	// afterKey and up to throughKey ("" = no bound), at most limit of them.
	RawRows(ctx context.Context, table string, accountID int64, afterKey, throughKey string, limit int) ([]RawRow, error)
	// PutRawRows writes rows as they are, replacing rows with the same keys.
	PutRawRows(ctx context.Context, table string, accountID int64, rows []RawRow) error

	// DeleteChatAccount removes the account and everything it holds.
	DeleteChatAccount(ctx context.Context, accountID int64) error
}

// PlatformStore holds the unified platform's own data: support accounts and
// their users, apps and tickets, billing, notifications and the upgrades.
type PlatformStore interface {
	ChatStore
	SupportStore

	PutSupportAccount(ctx context.Context, a *SupportAccount) error
	SupportAccount(ctx context.Context, id int64) (*SupportAccount, error)
	SupportAccounts(ctx context.Context, f AccountFilter) ([]*SupportAccount, error)
	PutUsers(ctx context.Context, users []*User) error
	Users(ctx context.Context, accountID int64) ([]*User, error)
	// User returns the account's user id; ENOTFOUND if it has none.
	User(ctx context.Context, accountID, id int64) (*User, error)
	UserByEmail(ctx context.Context, accountID int64, email string) (*User, error)
	// PutMergeChoices replaces the account's merge choices.
	PutMergeChoices(ctx context.Context, accountID int64, choices []MergeChoice) error
	// MergeChoices returns the account's merge choices, none if it made none.
	MergeChoices(ctx context.Context, accountID int64) ([]MergeChoice, error)
	// AddPostponeRequest records an account's request to postpone its
	// upgrade and sets p.ID.
	AddPostponeRequest(ctx context.Context, p *PostponeRequest) error
	// PostponeRequests lists the upgrade's postpone requests, oldest first.
	PostponeRequests(ctx context.Context, upgradeID string) ([]*PostponeRequest, error)
	// PendingPostponeRequests lists the fleet's unanswered postpone
	// requests, oldest first, at most limit.
	PendingPostponeRequests(ctx context.Context, limit int) ([]*PostponeRequest, error)
	// AnswerPostponeRequest stores an operator's answer to a pending
	// request (p.Status, the answer fields); ENOTFOUND if there is no such
	// request, ECONFLICT if it was already answered.
	AnswerPostponeRequest(ctx context.Context, p *PostponeRequest) error
	// PutSupportPassword sets a support user's password hash (an upsert by
	// account and user).
	PutSupportPassword(ctx context.Context, p *SupportPassword) error
	// SupportPasswords returns the password hashes of every account's
	// support users with the email (any case), in account order.
	SupportPasswords(ctx context.Context, email string) ([]*SupportPassword, error)
	PutAPIToken(ctx context.Context, t *APIToken) error
	APITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	PutApps(ctx context.Context, apps []*AppInstallation) error
	Apps(ctx context.Context, accountID int64) ([]*AppInstallation, error)
	PutTickets(ctx context.Context, tickets []*Ticket) error
	Ticket(ctx context.Context, accountID, id int64) (*Ticket, error)
	Tickets(ctx context.Context, f KeyFilter) ([]*Ticket, error)

	PutBillingAccount(ctx context.Context, b *BillingAccount) error
	BillingAccount(ctx context.Context, id int64) (*BillingAccount, error)
	PutSubscriptions(ctx context.Context, subs []*Subscription) error
	Subscriptions(ctx context.Context, billingAccountID int64) ([]*Subscription, error)
	PutInvoice(ctx context.Context, inv *Invoice) error
	Invoices(ctx context.Context, billingAccountID int64) ([]*Invoice, error)
	// BillingAccounts lists the account's billing accounts in id order.
	BillingAccounts(ctx context.Context, accountID int64) ([]*BillingAccount, error)
	DeleteSubscriptions(ctx context.Context, billingAccountID int64, ids []int64) error
	DeleteInvoice(ctx context.Context, billingAccountID, id int64) error
	// CreateConsolidationRecord stores what a billing consolidation changed;
	// ECONFLICT if the account already has one, so that of two concurrent
	// consolidations exactly one lands.
	CreateConsolidationRecord(ctx context.Context, r *ConsolidationRecord) error
	ConsolidationRecord(ctx context.Context, accountID int64) (*ConsolidationRecord, error)
	DeleteConsolidationRecord(ctx context.Context, accountID int64) error
	// InTx runs fn on a view of the store within one transaction, committed
	// when fn returns nil: fn's writes land together or not at all.
	InTx(ctx context.Context, fn func(PlatformStore) error) error

	// PutNotification upserts n by (account, id); a new notification whose
	// Key another notification of the account already has is ECONFLICT.
	PutNotification(ctx context.Context, n *Notification) error
	Notifications(ctx context.Context, accountID int64) ([]*Notification, error)
	// QueueEmail adds e to the outbox unless an email with its key is there;
	// it reports whether it was added.
	QueueEmail(ctx context.Context, e *Email) (bool, error)
	// PendingEmails lists up to limit unsent emails, oldest first, leased
	// or not, without claiming them: a read for inspection and tests.
	// Sending goes through ClaimEmails and RecordEmail.
	PendingEmails(ctx context.Context, limit int) ([]*Email, error)
	// EmailsByKey lists the emails with the given keys (a notification's
	// email shares its key), sent or not, oldest first; keys with no email
	// are left out. At most MaxEmailKeys keys, else EINVALID.
	EmailsByKey(ctx context.Context, keys []string) ([]*Email, error)
	// ClaimEmails leases to owner, until now+ttl, up to limit unsent emails
	// that no live lease holds, oldest first: of mailers claiming at once,
	// each email goes to one.
	ClaimEmails(ctx context.Context, owner string, now time.Time, ttl time.Duration, limit int) ([]*Email, error)
	// RecordEmail stores what sending e did. A sent email stays sent and its
	// lease ends; an unsent one stays leased to owner until retryAt, unless
	// owner no longer holds it (then nothing changes).
	RecordEmail(ctx context.Context, e *Email, owner string, retryAt time.Time) error

	// CreateUpgrade stores a new upgrade; ECONFLICT if the account already
	// has one that is not finished.
	CreateUpgrade(ctx context.Context, u *Upgrade) error
	PutUpgrade(ctx context.Context, u *Upgrade) error
	Upgrade(ctx context.Context, id string) (*Upgrade, error)
	Upgrades(ctx context.Context, f UpgradeFilter) ([]*Upgrade, error)
	// SetUpgradeAttention flags the upgrade as needing an operator, for
	// reason, since at; an empty reason clears the flag. The flag is kept
	// apart from the row PutUpgrade writes, so a concurrent save never
	// clears it; Upgrade and Upgrades return it in Upgrade.Attention.
	SetUpgradeAttention(ctx context.Context, id, reason string, at time.Time) error

	// PutSnapshot keeps what an upgrade step saw before it changed anything,
	// for its Undo; the first snapshot under a key wins.
	PutSnapshot(ctx context.Context, key string, body []byte) error
	Snapshot(ctx context.Context, key string) ([]byte, error)
	DeleteUsers(ctx context.Context, accountID int64, ids []int64) error
	// BookSlot books the upgrade into the slot starting at slot unless the
	// slot already holds capacity upgrades; a previous booking of the same
	// upgrade is released. Booking the same slot again is a no-op.
	BookSlot(ctx context.Context, upgradeID string, slot time.Time, capacity int) (bool, error)
	ReleaseSlot(ctx context.Context, upgradeID string) error
	SlotBookings(ctx context.Context, slot time.Time) (int, error)
	// UpcomingSlots lists, in time order, up to limit slots starting at or
	// after from that hold at least one booking.
	UpcomingSlots(ctx context.Context, from time.Time, limit int) ([]SlotFill, error)
	// UpgradeCounts counts the upgrades in each state; states without one
	// are absent.
	UpgradeCounts(ctx context.Context) (map[string]int, error)
	// DowntimeHistogram counts the completed upgrades by chat downtime, in
	// len(bounds)+1 buckets: bucket i holds those down at least bounds[i-1]
	// (0 for the first) and less than bounds[i]; the last, those down
	// bounds[len(bounds)-1] or more. EINVALID unless ValidateHistogramBounds.
	DowntimeHistogram(ctx context.Context, bounds []time.Duration) ([]int, error)
	// CompletedPerPeriod counts the upgrades completed in each of n periods
	// from `from` on: count i holds those finished at or after
	// from+i·period and before from+(i+1)·period. EINVALID unless
	// ValidatePeriods.
	CompletedPerPeriod(ctx context.Context, from time.Time, period time.Duration, n int) ([]int, error)
	// AddImportThroughput adds rows to the fleet's import throughput in the
	// minute holding at (atomically: every process adds to the same
	// minutes) and forgets the minutes older than ImportThroughputKept
	// before at. EINVALID unless rows is positive.
	AddImportThroughput(ctx context.Context, at time.Time, rows int) error
	// ImportThroughput lists the minutes from from's minute up to to
	// (excluded) that hold imported rows, in time order.
	ImportThroughput(ctx context.Context, from, to time.Time) ([]ThroughputMinute, error)

	// AddAuditEntry records an operator console action and sets e.ID.
	AddAuditEntry(ctx context.Context, e *AuditEntry) error
	// AuditEntries lists the upgrade's audit entries, newest first, at
	// most limit (PageSize) of them.
	AuditEntries(ctx context.Context, upgradeID string, limit int) ([]*AuditEntry, error)

	// ImportBatch adds the rows the platform does not have yet (a row it has
	// is left alone: an earlier copy, or newer), moves the account's cursor
	// for the table and adds len(rows) to the import throughput of at's
	// minute (see AddImportThroughput), in one transaction; it returns how
	// many rows were new.
	ImportBatch(ctx context.Context, table string, accountID int64, rows []RawRow, cursor ImportCursor, at time.Time) (int, error)
	ImportCursor(ctx context.Context, table string, accountID int64) (ImportCursor, error)

	PutUnifiedAccount(ctx context.Context, u *UnifiedAccount) error
	UnifiedAccount(ctx context.Context, accountID int64) (*UnifiedAccount, error)

	// ImportSettings returns the fleet's import limits, the defaults when
	// none were ever put.
	ImportSettings(ctx context.Context) (ImportSettings, error)
	// PutImportSettings replaces them; EINVALID if they do not validate.
	PutImportSettings(ctx context.Context, s ImportSettings) error
	// AcquireImportLease takes one of max import slots for key until
	// now+ttl, atomically across processes. It succeeds if key holds a live
	// lease (renewing it) or fewer than max live leases exist; a lease
	// whose time passed counts for nothing.
	AcquireImportLease(ctx context.Context, key string, now time.Time, ttl time.Duration, max int) (bool, error)
	// RenewImportLease extends key's live lease to now+ttl; ENOTFOUND if
	// key holds none (never taken, released or expired).
	RenewImportLease(ctx context.Context, key string, now time.Time, ttl time.Duration) error
	// ReleaseImportLease frees key's slot; releasing twice is harmless.
	ReleaseImportLease(ctx context.Context, key string) error
	// ActiveImportLeases counts the leases live at now.
	ActiveImportLeases(ctx context.Context, now time.Time) (int, error)

	// CreateWebSession stores a new session; when its face then holds more
	// than max sessions, those expiring first go. Sessions of any face
	// expired at s.Created are pruned.
	CreateWebSession(ctx context.Context, s *WebSession, max int) error
	// WebSession returns the face's session with the id hash if it is live
	// at now; ENOTFOUND if there is none or it has expired (then it goes).
	WebSession(ctx context.Context, face, idHash string, now time.Time) (*WebSession, error)
	// SetWebSessionFlash sets the session's one-time message.
	SetWebSessionFlash(ctx context.Context, face, idHash, flash string) error
	// TakeWebSessionFlash clears the session's one-time message if it is
	// still flash (as WebSession read it) and reports whether it did: of
	// two takers, one gets it.
	TakeWebSessionFlash(ctx context.Context, face, idHash, flash string) (bool, error)
	// DeleteWebSession ends the session; ending it twice is harmless.
	DeleteWebSession(ctx context.Context, face, idHash string) error

	// CreateBatchAction stores the batch and its upgrades, in order, in one
	// transaction; ECONFLICT if its id is taken.
	CreateBatchAction(ctx context.Context, b *BatchAction, upgradeIDs []string) error
	// BatchAction returns the batch with its counts; ENOTFOUND if none.
	BatchAction(ctx context.Context, id string) (*BatchAction, error)
	// UnfinishedBatchActions lists the batches not finished, oldest first.
	UnfinishedBatchActions(ctx context.Context) ([]*BatchAction, error)
	// ClaimBatchItem takes the batch's first waiting upgrade, marking it
	// claimed at now; ENOTFOUND when none waits. Of workers claiming at
	// once, in any process, each upgrade goes to one.
	ClaimBatchItem(ctx context.Context, batchID string, now time.Time) (*BatchItem, error)
	// RecordBatchItem stores what the action did to a claimed upgrade; a
	// recorded result stays (ECONFLICT), an unclaimed upgrade is ENOTFOUND.
	RecordBatchItem(ctx context.Context, batchID, upgradeID, result string) error
	// BatchItems lists the batch's upgrades that f selects, in order.
	BatchItems(ctx context.Context, f BatchItemFilter) ([]*BatchItem, error)
	// FinishBatchAction marks the batch finished at `at` if every upgrade
	// has a result, and reports whether it is finished.
	FinishBatchAction(ctx context.Context, id string, at time.Time) (bool, error)
}

// AccountFilter pages through accounts in id order.
type AccountFilter struct {
	AfterID int64
	Limit   int // 0 means DefaultLimit
}

// KeyFilter pages through an account's rows in key order.
type KeyFilter struct {
	AccountID int64
	AfterID   string // for numeric keys, the decimal id; "" starts at the beginning
	Limit     int
}

// ChatFilter pages through an account's chats, either in key order or, when
// ByUpdate is set, in (update_timestamp in whole seconds, id) order as
// incremental export does: its cursor is (end_time in seconds, end_id).
type ChatFilter struct {
	AccountID int64
	ByUpdate  bool
	AfterTime time.Time // with ByUpdate: start after (AfterTime, AfterID)
	AfterID   string
	Limit     int
}

// UpgradeFilter selects upgrades; zero fields match everything.
type UpgradeFilter struct {
	AccountID int64
	State     string
	// Attention selects the upgrades that need an operator.
	Attention bool
	AfterID   string
	Limit     int
}

// DefaultLimit is the page size when a filter gives none; MaxLimit the largest.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// HistoryCount counts the history rows of an account.
type HistoryCount struct {
	Chats         int64 `json:"chats"`
	Visitors      int64 `json:"visitors"`
	Analytics     int64 `json:"analytics"`
	AgentTimeline int64 `json:"agent_timeline"`
}

// Total is the number of rows of every kind.
func (h HistoryCount) Total() int64 { return h.Chats + h.Visitors + h.Analytics + h.AgentTimeline }

// APIToken is a support API token (Basic "email/token:TOKEN" auth). Only its
// hash is stored.
type APIToken struct {
	ID          int64      `json:"id"`
	AccountID   int64      `json:"account_id"`
	UserID      int64      `json:"user_id"`
	Description string     `json:"description"`
	TokenHash   string     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
}

// PageSize is the page size a filter's limit asks for: DefaultLimit when
// unset, at most MaxLimit.
func PageSize(limit int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return min(limit, MaxLimit)
}
