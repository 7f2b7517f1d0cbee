/* notification-jupyter-message.c: the Jupyter wire protocol (frames,
 * HMAC-SHA256 signatures, JSON to GVariant)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything here is pure: frames in, a message or a counted reason out.
 * The fuzz target tests/fuzz/fuzz-jupyter-message.c feeds it anything.
 */

#include "config.h"

#include <string.h>

#include "notification-jupyter-message-private.h"

#define DELIMITER "<IDS|MSG>"

void
notification_jupyter_message_free (NotificationJupyterMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->msg_id);
  g_free (message->msg_type);
  g_free (message->parent_msg_id);
  g_free (message->date);
  g_clear_pointer (&message->content, json_node_unref);
  g_clear_pointer (&message->buffers, g_ptr_array_unref);
  g_free (message);
}

/* The lowercase hex HMAC-SHA256 of the four parts, keyed by @key's bytes. */
char *
notification_jupyter_sign (const char *key,
                           GBytes     *header,
                           GBytes     *parent,
                           GBytes     *metadata,
                           GBytes     *content)
{
  GBytes *parts[] = { header, parent, metadata, content };
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
  char *hex;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gsize len;
      const guchar *data = g_bytes_get_data (parts[i], &len);

      g_hmac_update (hmac, data, len);
    }
  hex = g_strdup (g_hmac_get_string (hmac));
  g_hmac_unref (hmac);

  return hex;
}

/* Compares in time that depends only on the lengths. */
static gboolean
equal_constant_time (const guchar *a,
                     gsize         a_len,
                     const guchar *b,
                     gsize         b_len)
{
  guchar diff = 0;

  if (a_len != b_len)
    return FALSE;
  for (gsize i = 0; i < a_len; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

/* Checks the shape of a JSON text before json-glib sees it: one object
 * (first character '{', nothing but white space after its closing
 * brace) nested at most NOTIFICATION_JUPYTER_MAX_DEPTH deep, so that
 * neither json-glib's parser nor our converter recurses too deep. (The
 * single root also avoids a leak of json-glib 1.6, which loses a first
 * root value followed by a second one: `{}[1]`.) */
static const char *
shape_problem (const char *data,
               gsize       len,
               gboolean   *long_numbers)
{
  int depth = 0;
  gboolean in_string = FALSE;
  gsize i = 0;
  guint digits = 0;  /* in a row, outside strings */

  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i == len || data[i] != '{')
    return "a JSON frame is not an object";

  *long_numbers = FALSE;
  for (; i < len; i++)
    {
      char c = data[i];

      if (!in_string && g_ascii_isdigit (c))
        {
          /* 19 digits may not fit in an int64 (see widen_integers()) */
          if (++digits >= 19)
            *long_numbers = TRUE;
          continue;
        }
      digits = 0;
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > NOTIFICATION_JUPYTER_MAX_DEPTH)
            return "JSON nested too deep";
        }
      else if (c == ']' || c == '}')
        {
          if (--depth < 0)
            return "unbalanced JSON";
          if (depth == 0)
            {
              for (i++; i < len; i++)
                if (!g_ascii_isspace (data[i]))
                  return "a JSON frame holds more than one value";
              return NULL;
            }
        }
    }

  return NULL;  /* unterminated: json-glib says where */
}

/* json-glib 1.6 reads an integer beyond int64 wrapped (2**64 gives -1,
 * -2**63 - 1 gives 2**63 - 1). Returns a copy of the text in which each
 * such integer is written as a real (a ".0" appended), read then as the
 * nearest double, or NULL if none is there. (The signature was checked
 * over the frame as received; this text only feeds the parser.) */
static GString *
widen_integers (const char *data,
                gsize       len)
{
  GString *text = NULL;
  gboolean in_string = FALSE;
  gsize copied = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];
      gsize end;
      g_autofree char *token = NULL;
      gint64 value;

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        {
          in_string = TRUE;
          continue;
        }
      if (c != '-' && !g_ascii_isdigit (c))
        continue;
      for (end = i + 1; end < len && (g_ascii_isdigit (data[end]) || strchr ("+-.eE", data[end]) != NULL); end++)
        ;
      token = g_strndup (data + i, end - i);
      if (strpbrk (token, ".eE") == NULL &&
          !g_ascii_string_to_signed (token, 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          if (text == NULL)
            text = g_string_sized_new (len + 8);
          g_string_append_len (text, data + copied, end - copied);
          g_string_append (text, ".0");
          copied = end;
        }
      i = end - 1;
    }
  if (text != NULL)
    g_string_append_len (text, data + copied, len - copied);

  return text;
}

static JsonNode *
parse_object (GBytes  *frame,
              GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (frame, &len);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) widened = NULL;
  gboolean long_numbers;
  const char *problem;
  JsonNode *root;

  if (len == 0 || len > G_MAXSSIZE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "an empty JSON frame");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a JSON frame is not UTF-8");
      return NULL;
    }
  if ((problem = shape_problem (data, len, &long_numbers)) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problem);
      return NULL;
    }
  if (long_numbers && (widened = widen_integers (data, len)) != NULL)
    {
      data = widened->str;
      len = widened->len;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a JSON frame is not an object");
      return NULL;
    }

  return json_node_ref (root);
}

/* A string member, or NULL if absent or not a string. */
static const char *
get_string (JsonNode   *object,
            const char *name)
{
  JsonNode *member = json_object_get_member (json_node_get_object (object), name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

/**
 * notification_jupyter_message_parse:
 * @frames: (element-type GBytes): every frame of one message, as received
 * @key: the connection's key ("" = unsigned)
 * @drop: (out): why the message was dropped, when it returns `NULL`
 * @error: the details
 *
 * Reads `[ids…] <IDS|MSG> sig header parent metadata content [buffers…]`.
 * With a non-empty @key the signature must be the HMAC of the exact
 * header, parent, metadata and content frames.
 *
 * Returns: (transfer full) (nullable): the message
 */
NotificationJupyterMessage *
notification_jupyter_message_parse (GPtrArray                *frames,
                                    const char               *key,
                                    NotificationJupyterDrop  *drop,
                                    GError                  **error)
{
  guint delim = G_MAXUINT;
  GBytes *sig, *header_frame, *parent_frame, *metadata_frame, *content_frame;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(JsonNode) parent = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autoptr(JsonNode) content = NULL;
  const char *msg_id, *msg_type, *parent_id, *date;
  NotificationJupyterMessage *message;

  for (guint i = 0; i < frames->len; i++)
    {
      gsize len;
      const void *data = g_bytes_get_data (frames->pdata[i], &len);

      if (len == strlen (DELIMITER) && memcmp (data, DELIMITER, len) == 0)
        {
          delim = i;
          break;
        }
    }
  if (delim == G_MAXUINT || frames->len - delim < 6)
    {
      *drop = NOTIFICATION_JUPYTER_DROP_FRAMES;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   delim == G_MAXUINT ? "no <IDS|MSG> delimiter in %u frames"
                                      : "too few frames after <IDS|MSG> (%u in all)",
                   frames->len);
      return NULL;
    }
  sig = frames->pdata[delim + 1];
  header_frame = frames->pdata[delim + 2];
  parent_frame = frames->pdata[delim + 3];
  metadata_frame = frames->pdata[delim + 4];
  content_frame = frames->pdata[delim + 5];

  if (*key != '\0')
    {
      g_autofree char *expected = notification_jupyter_sign (key, header_frame, parent_frame,
                                                             metadata_frame, content_frame);
      gsize sig_len;
      const guchar *sig_data = g_bytes_get_data (sig, &sig_len);

      if (!equal_constant_time ((const guchar *) expected, strlen (expected), sig_data, sig_len))
        {
          *drop = NOTIFICATION_JUPYTER_DROP_SIGNATURE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               sig_len == 0 ? "a message without a signature" : "a message with a wrong signature");
          return NULL;
        }
    }

  *drop = NOTIFICATION_JUPYTER_DROP_JSON;
  if ((header = parse_object (header_frame, error)) == NULL ||
      (parent = parse_object (parent_frame, error)) == NULL ||
      (metadata = parse_object (metadata_frame, error)) == NULL ||
      (content = parse_object (content_frame, error)) == NULL)
    return NULL;

  msg_id = get_string (header, "msg_id");
  msg_type = get_string (header, "msg_type");
  if (msg_id == NULL || msg_type == NULL || *msg_type == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "a header without a string msg_id and msg_type");
      return NULL;
    }
  parent_id = get_string (parent, "msg_id");
  date = get_string (header, "date");

  message = g_new0 (NotificationJupyterMessage, 1);
  message->msg_id = g_strdup (msg_id);
  message->msg_type = g_strdup (msg_type);
  message->parent_msg_id = g_strdup (parent_id != NULL ? parent_id : "");
  message->date = g_strdup (date);
  message->content = g_steal_pointer (&content);
  message->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = delim + 6; i < frames->len; i++)
    g_ptr_array_add (message->buffers, g_bytes_ref (frames->pdata[i]));

  return message;
}

static GBytes *
bytes_take_string (char *string)
{
  return g_bytes_new_take (string, strlen (string));
}

/**
 * notification_jupyter_message_build:
 * @key: the connection's key ("" = unsigned)
 * @session: the session id of the header
 * @msg_type: the message type
 * @content: (nullable): a JSON object (`NULL`: `{}`)
 * @msg_id: (out) (optional): the new message's id
 *
 * Returns: (transfer full) (element-type GBytes): the frames to send on a
 *   DEALER: delimiter, signature, header, parent, metadata, content
 */
GPtrArray *
notification_jupyter_message_build (const char  *key,
                                    const char  *session,
                                    const char  *msg_type,
                                    JsonNode    *content,
                                    char       **msg_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  g_autofree char *id = g_uuid_string_random ();
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *header_b, *parent_b, *metadata_b, *content_b;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "msg_id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "session");
  json_builder_add_string_value (builder, session);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, g_get_user_name ());
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "msg_type");
  json_builder_add_string_value (builder, msg_type);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "5.3");
  json_builder_end_object (builder);
  header = json_builder_get_root (builder);

  header_b = bytes_take_string (json_to_string (header, FALSE));
  parent_b = g_bytes_new_static ("{}", 2);
  metadata_b = g_bytes_new_static ("{}", 2);
  content_b = content != NULL ? bytes_take_string (json_to_string (content, FALSE))
                              : g_bytes_new_static ("{}", 2);

  g_ptr_array_add (frames, g_bytes_new_static (DELIMITER, strlen (DELIMITER)));
  g_ptr_array_add (frames, *key != '\0'
                   ? bytes_take_string (notification_jupyter_sign (key, header_b, parent_b, metadata_b, content_b))
                   : g_bytes_new_static ("", 0));
  g_ptr_array_add (frames, header_b);
  g_ptr_array_add (frames, parent_b);
  g_ptr_array_add (frames, metadata_b);
  g_ptr_array_add (frames, content_b);

  if (msg_id != NULL)
    *msg_id = g_steal_pointer (&id);

  return frames;
}

/**
 * notification_jupyter_json_to_variant:
 * @node: a JSON node
 *
 * The mapping (doc/jupyter.md): object → `a{sv}`, array → `av` (mixed
 * element types stay apart inside their variants), string → `s`, integer
 * → `x`, other number → `d`, true/false → `b`, null → `mv` (nothing).
 *
 * Returns: (transfer floating): the value
 */
GVariant *
notification_jupyter_json_to_variant (JsonNode  *node,
                                      GError   **error)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        GVariantBuilder builder;
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            GVariant *value;

            /* json-glib decodes `\ud800` in a name to bytes that are
             * not UTF-8 (it checks values, not names) */
            if (!g_utf8_validate (name, -1, NULL))
              {
                g_variant_builder_clear (&builder);
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a JSON member name is not UTF-8");
                return NULL;
              }
            value = notification_jupyter_json_to_variant (member, error);
            if (value == NULL)
              {
                g_variant_builder_clear (&builder);
                return NULL;
              }
            g_variant_builder_add (&builder, "{sv}", name, value);
          }
        return g_variant_builder_end (&builder);
      }
    case JSON_NODE_ARRAY:
      {
        GVariantBuilder builder;
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
        for (guint i = 0; i < n; i++)
          {
            GVariant *value = notification_jupyter_json_to_variant (json_array_get_element (array, i), error);

            if (value == NULL)
              {
                g_variant_builder_clear (&builder);
                return NULL;
              }
            g_variant_builder_add (&builder, "v", value);
          }
        return g_variant_builder_end (&builder);
      }
    case JSON_NODE_NULL:
      return g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL);
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          {
            const char *s = json_node_get_string (node);

            if (!g_utf8_validate (s, -1, NULL))
              {
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a JSON string is not UTF-8");
                return NULL;
              }
            return g_variant_new_string (s);
          }
        case G_TYPE_INT64:
          return g_variant_new_int64 (json_node_get_int (node));
        case G_TYPE_DOUBLE:
          return g_variant_new_double (json_node_get_double (node));
        case G_TYPE_BOOLEAN:
          return g_variant_new_boolean (json_node_get_boolean (node));
        default:
          break;
        }
      break;
    default:
      break;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "an unexpected JSON value");
  return NULL;
}

/**
 * notification_jupyter_message_notification_type:
 * @message: a message
 *
 * Returns: (transfer full): `stdout` or `stderr` for a stream message,
 *   else `jupyter.MSG_TYPE`
 */
char *
notification_jupyter_message_notification_type (NotificationJupyterMessage *message)
{
  if (strcmp (message->msg_type, "stream") == 0)
    {
      const char *name = get_string (message->content, "name");

      if (g_strcmp0 (name, "stderr") == 0)
        return g_strdup ("stderr");
      return g_strdup ("stdout");
    }

  return g_strconcat ("jupyter.", message->msg_type, NULL);
}

/**
 * notification_jupyter_message_to_user_info:
 * @message: a message
 *
 * For a stream message: `out_string`, `msg_id`, `parent_msg_id` (and
 * `date`); for the others the content's members, converted, then
 * `msg_id`, `parent_msg_id` and `date` (which replace members of those
 * names).
 *
 * Returns: (transfer floating) (nullable): an `a{sv}`
 */
GVariant *
notification_jupyter_message_to_user_info (NotificationJupyterMessage  *message,
                                           GError                     **error)
{
  GVariantBuilder builder;
  JsonObject *content = json_node_get_object (message->content);

  if (!g_utf8_validate (message->msg_id, -1, NULL) ||
      !g_utf8_validate (message->parent_msg_id, -1, NULL) ||
      (message->date != NULL && !g_utf8_validate (message->date, -1, NULL)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "an id is not UTF-8");
      return NULL;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (strcmp (message->msg_type, "stream") == 0)
    {
      const char *text = get_string (message->content, "text");

      if (text == NULL || !g_utf8_validate (text, -1, NULL))
        {
          g_variant_builder_clear (&builder);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "a stream message without a text string");
          return NULL;
        }
      g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string (text));
    }
  else
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, content);
      while (json_object_iter_next (&iter, &name, &member))
        {
          GVariant *value;

          if (strcmp (name, "msg_id") == 0 || strcmp (name, "parent_msg_id") == 0 ||
              strcmp (name, "date") == 0)
            continue;
          if (!g_utf8_validate (name, -1, NULL))
            {
              g_variant_builder_clear (&builder);
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a JSON member name is not UTF-8");
              return NULL;
            }
          value = notification_jupyter_json_to_variant (member, error);
          if (value == NULL)
            {
              g_variant_builder_clear (&builder);
              return NULL;
            }
          g_variant_builder_add (&builder, "{sv}", name, value);
        }
    }
  g_variant_builder_add (&builder, "{sv}", "msg_id", g_variant_new_string (message->msg_id));
  g_variant_builder_add (&builder, "{sv}", "parent_msg_id", g_variant_new_string (message->parent_msg_id));
  if (message->date != NULL)
    g_variant_builder_add (&builder, "{sv}", "date", g_variant_new_string (message->date));

  return g_variant_builder_end (&builder);
}

/* The types of doc/jupyter.md's table: the ids (and date) everywhere,
 * the members a frontend relies on, unknown keys allowed except on
 * stdout/stderr (the blueprint's types). */
static const struct
{
  const char *type;
  const char *keys; /* "name:type:required," … */
} schemas[] = {
  { "stdout", "out_string:s:1" },
  { "stderr", "out_string:s:1" },
  { "jupyter.status", "execution_state:s:1" },
  { "jupyter.execute_input", "code:s:1" },
  { "jupyter.execute_result", "data:a{sv}:1,metadata:a{sv}:0" },
  { "jupyter.display_data", "data:a{sv}:1,metadata:a{sv}:0,transient:a{sv}:0" },
  { "jupyter.update_display_data", "data:a{sv}:1,metadata:a{sv}:0,transient:a{sv}:0" },
  { "jupyter.clear_output", "wait:b:0" },
  { "jupyter.error", "ename:s:1,evalue:s:1,traceback:av:1" },
  { "jupyter.execute_reply", "status:s:1" },
  { "jupyter.kernel-died", "connection_file:s:1,last_seen:x:1" },
};

static NotificationSchema *
make_schema (const char *keys,
             gboolean    ids,
             gboolean    ids_required,
             gboolean    allow_unknown)
{
  NotificationSchema *schema = notification_schema_new ();
  g_auto(GStrv) decls = g_strsplit (keys, ",", -1);

  for (guint i = 0; decls[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (decls[i], ":", 3);

      if (g_strv_length (parts) == 3)
        notification_schema_add_key (schema, parts[0], parts[1], parts[2][0] == '1', NULL);
    }
  if (ids)
    {
      notification_schema_add_key (schema, "msg_id", "s", ids_required, NULL);
      notification_schema_add_key (schema, "parent_msg_id", "s", ids_required, NULL);
      notification_schema_add_key (schema, "date", "s", FALSE, NULL);
    }
  notification_schema_set_allow_unknown_keys (schema, allow_unknown);

  return schema;
}

/* Registers doc/jupyter.md's schemas, except where @center has one. */
void
notification_jupyter_register_schemas (NotificationCenter *center)
{
  for (guint i = 0; i < G_N_ELEMENTS (schemas); i++)
    {
      g_autoptr(NotificationSchema) existing = notification_center_lookup_schema (center, schemas[i].type);
      g_autoptr(NotificationSchema) schema = NULL;
      gboolean stream = g_str_has_prefix (schemas[i].type, "std");
      gboolean died = strcmp (schemas[i].type, "jupyter.kernel-died") == 0;

      if (existing != NULL)
        continue;
      /* stdout and stderr are the blueprint's: a local interpreter posts
       * them with `out_string` alone, on the same center */
      schema = make_schema (schemas[i].keys, !died, !stream, !stream && !died);
      notification_center_register_schema (center, schemas[i].type, schema);
    }
}

/* header.date (ISO 8601) in µs since the epoch, or 0. */
gint64
notification_jupyter_parse_date (const char *date)
{
  g_autoptr(GDateTime) when = NULL;

  if (date == NULL || !g_utf8_validate (date, -1, NULL))
    return 0;
  when = g_date_time_new_from_iso8601 (date, NULL);
  if (when == NULL)
    return 0;

  return g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
}
