-- +goose Up
-- A postpone request's status beside its body, so the pending ones of the
-- fleet can be found and an answer stored only once.
ALTER TABLE postpone_requests ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
CREATE INDEX postpone_requests_status ON postpone_requests (status, id);

-- +goose Down
DROP INDEX postpone_requests_status;
ALTER TABLE postpone_requests DROP COLUMN status;
