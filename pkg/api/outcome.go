package api

import "github.com/orgctl/orgctl/pkg/apierr"

// Annotate records on e, the error a provider decoded from r, what r tells
// of the request's effect: an answer that does not say whether the request
// was acted on (a 5xx, a status outside 1xx-5xx) leaves it possibly done,
// unless the provider's error code says what happened; and a repeated
// request's conflict may be the earlier attempt's own work.
func (r *Response) Annotate(e *apierr.Error) *apierr.Error {
	if (e.Kind == apierr.KindServer || e.Kind == apierr.KindUnknown) && apierr.OutcomeUnknown(r.Status) {
		e.MayHaveSucceeded = true
	}
	e.Repeated = e.Repeated || r.Repeat
	return e
}

// UnreadableList is the error for a streamed list that could not be read to
// its end: why is the decoder's complaint (invalid JSON at some offset, an
// item larger than MaxItem, no list at all).
func (r *Response) UnreadableList(providerName string, why error) *apierr.Error {
	return &apierr.Error{Provider: providerName, Kind: apierr.KindServer, Status: r.Status,
		Message: "unreadable list (" + Excerpt([]byte(why.Error()), 200) + ")"}
}
