// Package seed makes fleets of customer accounts: deterministic generated
// ones and ones loaded from a JSON document.
//
// A customer is an [Account]: its legacy chat account with agents,
// configuration, history and OAuth clients, and its support account with
// users, apps, tickets and billing. [Generate] makes one from a [Spec] and an
// index; by index, any fleet of five or more accounts covers every case the
// upgrade has to handle (listed in docs/seed-format.md). [ReadDocument] reads
// accounts from the JSON document that file describes.
//
// [Load] writes an account into the legacy chat store and the platform store
// and makes fresh credentials for it (only their hashes are stored). [Fleet]
// generates and loads many accounts, generation and the two stores' writes
// running as a pipeline; [LoadDocument] loads a document's accounts after
// validating all of them, so that a bad document writes nothing.
package seed
