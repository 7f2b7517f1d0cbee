/* notification-bridge-json.c: the JSON form of a notification, for tools
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-bridge-private.h"

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
# include <json-glib/json-glib.h>
#endif

/* JSON */

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
# include <math.h>
#endif

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
/* JSON has no number for NaN and the infinities, which GVariant doubles
 * (from any peer) may be: json-glib would write `nan.0`, and the line
 * would not be JSON. They become null, as JSON.stringify() makes them. */
static void
null_non_finite (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        json_node_init_null (node);
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          null_non_finite (json_array_get_element (array, i));
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          null_non_finite (member);
      }
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* json-glib 1.6 writes a double with "%.17g" and appends ".0" when there
 * is no point, also after an exponent: 1e20 becomes `1e+20.0`, which is
 * not JSON. Drops that ".0" (outside strings), in place. */
static void
drop_point_after_exponent (char *json)
{
  const char *r = json;
  char *w = json;
  gboolean in_string = FALSE;

  while (*r != '\0')
    {
      char c = *r;

      if (in_string)
        {
          *w++ = *r++;
          if (c == '\\' && *r != '\0')
            *w++ = *r++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if ((c == 'e' || c == 'E') && w > json && g_ascii_isdigit (w[-1]))
        {
          /* a number's exponent ("true" and "false" have no digit before) */
          *w++ = *r++;
          if (*r == '+' || *r == '-')
            *w++ = *r++;
          while (g_ascii_isdigit (*r))
            *w++ = *r++;
          if (r[0] == '.' && r[1] == '0' && !g_ascii_isdigit (r[2]))
            r += 2;
          continue;
        }
      *w++ = *r++;
    }
  *w = '\0';
}

/**
 * notification_bridge_to_json:
 * @type: a notification type
 * @sender: (nullable): the sender's name or id
 * @user_info: (nullable): the user info
 * @time_usec: when, in microseconds since the epoch (g_get_real_time())
 *
 * The JSON form of a notification for tools: an object with the keys
 * `time` (ISO 8601, UTC), `type`, `sender` and `user_info`, the latter
 * serialised by json-glib's json_gvariant_serialize(), with NaN and the
 * infinities (which JSON has no number for) written `null`.
 *
 * Returns: (transfer full): one line of JSON, without a newline
 *
 * Since: 1.2
 */
char *
notification_bridge_to_json (const char *type,
                             const char *sender,
                             GVariant   *user_info,
                             gint64      time_usec)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) base = g_date_time_new_from_unix_utc (time_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) when = g_date_time_add (base, time_usec % G_USEC_PER_SEC);
  g_autofree char *time_str = g_date_time_format_iso8601 (when);
  char *line;
  g_autoptr(GVariant) info = user_info != NULL
    ? g_variant_ref_sink (user_info)
    : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  g_return_val_if_fail (type != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time_str);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "sender");
  json_builder_add_string_value (builder, sender != NULL ? sender : "");
  json_builder_set_member_name (builder, "user_info");
  {
    JsonNode *value = json_gvariant_serialize (info);

    null_non_finite (value);
    json_builder_add_value (builder, value);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  drop_point_after_exponent (line);
  return line;
}
#endif

