package shopguard

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CheckText refuses text no store can keep alike: a NUL byte (PostgreSQL refuses it in text,
// SQLite would keep it) or bytes that are not UTF-8. It returns an EINVALID error naming the
// field, or nil. Every door (JSON, forms, query and path) and the store check with it, so
// both engines answer the same.
func CheckText(field, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return Invalid(field, "%s holds a NUL byte (\\u0000): remove it", fieldLabel(field))
	}
	if !utf8.ValidString(s) {
		return Invalid(field, "%s is not valid UTF-8 text", fieldLabel(field))
	}
	return nil
}

// CheckTexts is CheckText over pairs of field name and value.
func CheckTexts(fieldValues ...string) error {
	for i := 0; i+1 < len(fieldValues); i += 2 {
		if err := CheckText(fieldValues[i], fieldValues[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func fieldLabel(field string) string {
	if field == "" {
		return "the text"
	}
	return field
}

// CheckAllText is CheckText over every string in v (structs, pointers, slices, maps), naming
// the field as its JSON has it ("identifiers[0].value"). Byte slices are not text and are
// left alone.
func CheckAllText(v any) error { return checkStrings(reflect.ValueOf(v), "") }

func checkStrings(v reflect.Value, field string) error {
	switch v.Kind() {
	case reflect.String:
		return CheckText(field, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem(), field)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes, not text
		}
		for i := range v.Len() {
			if err := checkStrings(v.Index(i), field+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			k := it.Key()
			if k.Kind() == reflect.String {
				if err := CheckText(join(field, "key"), k.String()); err != nil {
					return err
				}
			}
			if err := checkStrings(it.Value(), join(field, k.String())); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case f.Anonymous && name == "":
				name = field
			case name == "":
				name = join(field, f.Name)
			default:
				name = join(field, name)
			}
			if err := checkStrings(v.Field(i), name); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}
