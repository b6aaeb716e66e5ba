package manifest

// Field is one key of an entry as a bit, so that a set of them (Entry.Set)
// is one small integer: cheap to keep per entry when a manifest has a
// million of them.
type Field uint16

// The fields of an entry, by the keys Fields() lists.
const (
	FieldName Field = 1 << iota
	FieldProvider
	FieldID
	FieldPlan
	FieldDescription
	FieldWebsiteURL
	FieldRepository
	FieldLogoURL
	FieldIconURL
	FieldAdminEmails
	FieldTags
)

// fieldBits maps each key of Fields() to its bit.
var fieldBits = map[string]Field{
	"name": FieldName, "provider": FieldProvider, "id": FieldID, "plan": FieldPlan,
	"description": FieldDescription, "website_url": FieldWebsiteURL, "repository": FieldRepository,
	"logo_url": FieldLogoURL, "icon_url": FieldIconURL, "admin_emails": FieldAdminEmails, "tags": FieldTags,
}

// Has reports whether the set holds every field of f.
func (s Field) Has(f Field) bool { return s&f == f }
