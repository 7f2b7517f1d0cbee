/* notification-vardict.c: the keys and value types of a serialised a{sv}
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GLib's readers of a dictionary (g_variant_lookup_value(), GVariantIter)
 * make a GVariant for each entry. An entry is a {sv}, a container, and
 * the last unref of a container's GVariantTypeInfo takes GLib's
 * process-wide type-info lock: checking user info that way took a global
 * lock per entry. This reads the serialised bytes instead (GVariant
 * specification, "Serialisation"; GLib's gvariant-serialiser.c):
 *
 *   a{sv}  entries one after the other, each aligned to 8 (the alignment
 *          of v), then one framing offset per entry: where it ends. All
 *          offsets of a container are little endian, of 1, 2, 4 or 8
 *          bytes, the fewest that can hold the container's size.
 *   {sv}   the key, then the value aligned to 8, then one framing
 *          offset: where the key ends (the last member has none).
 *   s      UTF-8 without NUL bytes, then a NUL.
 *   v      the value's own bytes, a NUL, then the value's type string.
 *
 * GLib reads any bytes: what is not in normal form gives default values
 * (an empty dictionary, an empty key, the value ()). The reader answers
 * only when it can tell that GLib reads each key and value type exactly
 * as it does; for anything else it returns NOTIFICATION_VARDICT_UNSURE
 * and the caller falls back on GLib's readers. It never reads outside
 * [data, data + size).
 *
 * What the reader checks, and why each check makes it agree with GLib
 * (2.74 and later, which also check that framing offsets are in order):
 * the dictionary's offsets are in normal form (the last one gives a table
 * of whole offsets of the minimal size, every entry is non-empty and
 * starts after the previous one); in each entry, the key's offset leaves
 * room for a non-empty value; the key is a valid string (else GLib reads
 * ""); the value has a NUL followed by one complete, definite type string
 * and, if that type has a fixed size, exactly that many bytes before the
 * NUL (else GLib reads ()). It does not look inside values: their type
 * is all a schema checks, and GLib gives a value its type whatever its
 * bytes are.
 *
 * One thing the bytes do not tell: GLib also reads a value as () when
 * its type nests deeper than 128 levels counted from the outermost
 * serialised GVariant, and the depth of the dictionary itself is private
 * to GLib. The reader counts from the dictionary (the value of an entry
 * is 2 levels down) and answers only for value types up to
 * NOTIFICATION_VARDICT_MAX_TYPE_DEPTH levels deep. So it agrees with GLib
 * for any dictionary that is not itself nested more than 128 - 2 - 32 = 94
 * levels deep inside another serialised GVariant; one that deep (only a
 * deliberately built one can be) may have a value GLib reads as () that
 * the reader reads by its type string.
 */

#include "config.h"

#include <string.h>

#include "notification-vardict-private.h"

/* GLib's depth limit, G_VARIANT_MAX_RECURSION_DEPTH (gvariant-core.h). */
#define MAX_RECURSION_DEPTH 128

G_STATIC_ASSERT (NOTIFICATION_VARDICT_MAX_TYPE_DEPTH + 2 < MAX_RECURSION_DEPTH);

/* The size of the framing offsets of a container of @size bytes. */
static guint
offset_size_for (gsize size)
{
  if (size > G_MAXUINT32)
    return 8;
  if (size > G_MAXUINT16)
    return 4;
  if (size > G_MAXUINT8)
    return 2;

  return size > 0 ? 1 : 0;
}

static gsize
read_offset (const guchar *p,
             guint         offset_size)
{
  guint64 value = 0;

  for (guint i = 0; i < offset_size; i++)
    value |= (guint64) p[i] << (8 * i);

  return (gsize) value;
}

/* The smallest container with @body_size bytes of data and @n offsets
 * (gvs_calculate_total_size ()). */
static gsize
total_size_for (gsize body_size,
                gsize n)
{
  if (body_size + n <= G_MAXUINT8)
    return body_size + n;
  if (body_size + 2 * n <= G_MAXUINT16)
    return body_size + 2 * n;
  if (body_size + 4 * n <= G_MAXUINT32)
    return body_size + 4 * n;

  return body_size + 8 * n;
}

static gsize
align8 (gsize offset)
{
  return offset + ((-offset) & 7);
}

/* For the definite type string at @t, checked by
 * g_variant_type_string_scan (): returns its end and sets what GLib's
 * type info says of it (gvarianttypeinfo.c): the fixed size (0 for
 * variable-size types), the alignment (a mask: 0, 1, 3 or 7) and the
 * depth as g_variant_type_info_query_depth () counts it (a basic type is
 * 1, a container 1 more than its deepest member, so () is 0 and a dict
 * entry does not count its key). */
static const char *
type_layout (const char *t,
             gsize      *fixed_size,
             guint      *alignment,
             gsize      *depth)
{
  *depth = 1;

  switch (*t)
    {
    case 'b': case 'y':
      *fixed_size = 1, *alignment = 0;
      return t + 1;

    case 'n': case 'q':
      *fixed_size = 2, *alignment = 1;
      return t + 1;

    case 'i': case 'u': case 'h':
      *fixed_size = 4, *alignment = 3;
      return t + 1;

    case 'x': case 't': case 'd':
      *fixed_size = 8, *alignment = 7;
      return t + 1;

    case 's': case 'o': case 'g':
      *fixed_size = 0, *alignment = 0;
      return t + 1;

    case 'v':
      *fixed_size = 0, *alignment = 7;
      return t + 1;

    case 'a': case 'm':
      {
        gsize element_size;

        t = type_layout (t + 1, &element_size, alignment, depth);
        *fixed_size = 0;
        *depth += 1;
        return t;
      }

    case '(': case '{':
      {
        gboolean entry = *t == '{';
        char close = entry ? '}' : ')';
        gboolean fixed = TRUE;
        gsize offset = 0;
        guint n = 0;

        *alignment = 0;
        *depth = 0;
        for (t++; *t != close; n++)
          {
            gsize member_size, member_depth;
            guint member_alignment;

            t = type_layout (t, &member_size, &member_alignment, &member_depth);
            *alignment |= member_alignment;
            if (member_size == 0)
              fixed = FALSE;
            offset = ((offset + member_alignment) & ~(gsize) member_alignment) + member_size;
            if (!entry || n > 0)
              *depth = MAX (*depth, member_depth + 1);
          }

        if (n == 0)
          *fixed_size = 1;  /* (): one byte */
        else
          *fixed_size = fixed ? ((offset + *alignment) & ~(gsize) *alignment) : 0;
        return t + 1;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Sets @iter to read the a{sv} serialised in [@data, @data + @size).
 * Returns FALSE if its framing offsets are not in normal form. */
gboolean
notification_vardict_iter_init (NotificationVardictIter *iter,
                                gconstpointer            data,
                                gsize                    size)
{
  gsize last_end, table_size;

  memset (iter, 0, sizeof *iter);

  if (size == 0)
    return TRUE;  /* no entries */

  if (data == NULL)
    return FALSE;

  iter->data = data;
  iter->offset_size = offset_size_for (size);
  last_end = read_offset (iter->data + size - iter->offset_size, iter->offset_size);
  if (last_end > size)
    return FALSE;

  table_size = size - last_end;
  if (table_size == 0 || table_size % iter->offset_size != 0)
    return FALSE;

  iter->n_entries = table_size / iter->offset_size;
  if (total_size_for (last_end, iter->n_entries) != size)
    return FALSE;  /* offsets larger than needed */

  iter->table = last_end;

  return TRUE;
}

/* Reads the next entry: its key (NUL-terminated, in the data) and the
 * type of its value (a type string in the data, not NUL-terminated). */
NotificationVardictStep
notification_vardict_iter_next (NotificationVardictIter  *iter,
                                const char              **key,
                                const GVariantType      **value_type)
{
  const guchar *entry;
  const char *type_string, *type_end, *scan_end;
  gsize start, end, size, value_start, value_end, key_end, nul;
  gsize fixed_size, depth;
  guint offset_size, alignment;

  if (iter->index == iter->n_entries)
    return NOTIFICATION_VARDICT_END;

  /* The entry: from the previous one's end, aligned, to its offset. */
  start = iter->index == 0 ? 0 : align8 (iter->end);
  end = read_offset (iter->data + iter->table + iter->index * iter->offset_size,
                     iter->offset_size);
  if (start >= end || end > iter->table)
    return NOTIFICATION_VARDICT_UNSURE;
  iter->end = end;
  iter->index++;

  entry = iter->data + start;
  size = end - start;

  /* Its one framing offset, at its end, is where the key ends. */
  offset_size = offset_size_for (size);
  value_end = size - offset_size;
  key_end = read_offset (entry + value_end, offset_size);
  if (key_end == 0 || key_end > value_end)
    return NOTIFICATION_VARDICT_UNSURE;
  value_start = align8 (key_end);
  if (value_start >= value_end)
    return NOTIFICATION_VARDICT_UNSURE;

  /* The key: a string, as g_variant_serialiser_is_string () checks it. */
  if (entry[key_end - 1] != '\0' ||
      !g_utf8_validate ((const char *) entry, key_end - 1, NULL))
    return NOTIFICATION_VARDICT_UNSURE;

  /* The value: its bytes, the last NUL, its type string. */
  for (nul = value_end - 1; nul > value_start && entry[nul] != '\0'; nul--)
    ;
  if (entry[nul] != '\0')
    return NOTIFICATION_VARDICT_UNSURE;

  /* One complete definite type (with no NUL: it follows the last one).
   * Of one character, one of the definite basic types or v: the common
   * case, checked here; else as GLib checks it. */
  type_string = (const char *) entry + nul + 1;
  type_end = (const char *) entry + value_end;
  if (type_end - type_string == 1
      ? strchr ("bynqiuxthdsogv", *type_string) == NULL
      : (!g_variant_type_string_scan (type_string, type_end, &scan_end) || scan_end != type_end ||
         !g_variant_type_is_definite ((const GVariantType *) type_string)))
    return NOTIFICATION_VARDICT_UNSURE;

  type_layout (type_string, &fixed_size, &alignment, &depth);
  if ((fixed_size != 0 && fixed_size != nul - value_start) ||
      depth > NOTIFICATION_VARDICT_MAX_TYPE_DEPTH)
    return NOTIFICATION_VARDICT_UNSURE;

  *key = (const char *) entry;
  *value_type = (const GVariantType *) type_string;

  return NOTIFICATION_VARDICT_ENTRY;
}
