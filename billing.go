package chatlift

import "time"

// Billing frequencies.
const (
	BillingMonthly = "monthly"
	BillingAnnual  = "annual"
)

// BillingAccount is who pays for a product and how. Before the upgrade a
// customer usually has one for chat and one for support; after it, one.
type BillingAccount struct {
	ID               int64            `json:"id"`
	AccountID        int64            `json:"account_id"`
	Product          string           `json:"product"` // "support", "chat"
	Contacts         []BillingContact `json:"contacts"`
	PaymentMethod    PaymentMethod    `json:"payment_method"`
	Currency         string           `json:"currency"` // ISO 4217
	Frequency        string           `json:"frequency"`
	TermStart        time.Time        `json:"term_start"`
	TermEnd          time.Time        `json:"term_end"`
	ConsolidatedInto *int64           `json:"consolidated_into"` // set once merged into another
}

// Validate reports the first problem with b.
func (b *BillingAccount) Validate() error {
	switch {
	case b.ID <= 0:
		return Errorf(EINVALID, "billing account id must be positive")
	case !oneOf(b.Product, "support", "chat"):
		return Errorf(EINVALID, "billing product must be support or chat")
	case len(b.Currency) != 3:
		return Errorf(EINVALID, "currency must be a 3-letter ISO code")
	case !oneOf(b.Frequency, BillingMonthly, BillingAnnual):
		return Errorf(EINVALID, "frequency must be monthly or annual")
	case !b.TermEnd.After(b.TermStart):
		return Errorf(EINVALID, "term must end after it starts")
	}
	for _, c := range b.Contacts {
		if !ValidEmail(c.Email) {
			return Errorf(EINVALID, "billing contact email %q is not an email address", c.Email)
		}
	}
	return nil
}

// SameBilling reports whether a and b bill the same way: same contacts,
// payment method, currency and cycle. Such accounts need no consolidation.
func SameBilling(a, b *BillingAccount) bool {
	if a.PaymentMethod != b.PaymentMethod || a.Currency != b.Currency || a.Frequency != b.Frequency ||
		!a.TermStart.Equal(b.TermStart) || !a.TermEnd.Equal(b.TermEnd) || len(a.Contacts) != len(b.Contacts) {
		return false
	}
	for i := range a.Contacts {
		if a.Contacts[i] != b.Contacts[i] {
			return false
		}
	}
	return true
}

// BillingContact receives invoices.
type BillingContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// PaymentMethod is how invoices are paid.
type PaymentMethod struct {
	Type  string `json:"type"` // "card", "invoice"
	Brand string `json:"brand,omitempty"`
	Last4 string `json:"last4,omitempty"`
}

// Subscription is a product plan billed on a billing account.
type Subscription struct {
	ID               int64     `json:"id"`
	BillingAccountID int64     `json:"billing_account_id"`
	Product          string    `json:"product"`
	Plan             string    `json:"plan"`
	Seats            int       `json:"seats"`
	UnitPriceCents   int64     `json:"unit_price_cents"` // per seat per month
	Currency         string    `json:"currency"`
	Frequency        string    `json:"frequency"`
	TermStart        time.Time `json:"term_start"`
	TermEnd          time.Time `json:"term_end"`
}

// Invoice is a bill sent to a billing account's contacts.
type Invoice struct {
	ID               int64         `json:"id"`
	BillingAccountID int64         `json:"billing_account_id"`
	Currency         string        `json:"currency"`
	Lines            []InvoiceLine `json:"lines"`
	TotalCents       int64         `json:"total_cents"`
	IssuedAt         time.Time     `json:"issued_at"`
}

// InvoiceLine is one charge (positive) or credit (negative) on an invoice.
type InvoiceLine struct {
	Description string `json:"description"`
	AmountCents int64  `json:"amount_cents"`
}
