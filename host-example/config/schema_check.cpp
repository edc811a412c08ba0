#include <servicelens/config/config_problem.hpp>
#include <servicelens/config/schema_check.hpp>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fmt/format.h>

#include <set>

namespace servicelens::config {

namespace detail {
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};
extern const EmbeddedFile embedded_schemas[];
extern const std::size_t embedded_schemas_count;
} // namespace detail

namespace {

using nlohmann::json;

// A subschema and the document its "#/..." references resolve in.
struct SchemaNode {
    const json *schema;
    const json *document;
};

std::vector<std::string> split_pointer(const std::string &pointer)
{
    std::vector<std::string> tokens;
    std::size_t start = 1;
    while (!pointer.empty() && start <= pointer.size()) {
        const std::size_t end = std::min(pointer.find('/', start), pointer.size());
        std::string token = pointer.substr(start, end - start);
        for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i)
            token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
        tokens.push_back(token);
        start = end + 1;
    }
    return tokens;
}

class SchemaWalker {
public:
    SchemaWalker(const json &root, const SchemaFetcher &fetch) : root_(root), fetch_(fetch) {}

    // Every subschema that applies to `value`, following $ref, allOf,
    // anyOf, oneOf, and if/then/else (the branch an `if` of the form
    // {"properties": {"k": {"const": v}}} selects; both branches otherwise).
    void expand(SchemaNode node, const json &value, std::vector<SchemaNode> &out, int depth = 0) const
    {
        if (depth > 32 || !node.schema->is_object()) return;
        out.push_back(node);
        const json &s = *node.schema;
        if (auto ref = s.find("$ref"); ref != s.end() && ref->is_string())
            if (auto target = resolve(ref->get<std::string>(), node.document)) expand(*target, value, out, depth + 1);
        for (const char *combinator : {"allOf", "anyOf", "oneOf"})
            if (auto list = s.find(combinator); list != s.end() && list->is_array())
                for (const json &item : *list) expand({&item, node.document}, value, out, depth + 1);
        if (auto condition = s.find("if"); condition != s.end()) {
            const int verdict = simple_condition(*condition, value);
            if (verdict != 0 && s.contains("then")) expand({&s["then"], node.document}, value, out, depth + 1);
            if (verdict != 1 && s.contains("else")) expand({&s["else"], node.document}, value, out, depth + 1);
        }
    }

    std::vector<SchemaNode> at(const std::string &pointer, const json &root_value) const
    {
        std::vector<SchemaNode> nodes;
        expand({&root_, &root_}, root_value, nodes);
        const json *value = &root_value;
        for (const std::string &token : split_pointer(pointer)) {
            std::vector<SchemaNode> next;
            const json *child = nullptr;
            if (value->is_object() && value->contains(token)) child = &(*value)[token];
            if (value->is_array()) {
                const std::size_t index = std::stoul(token);
                if (index < value->size()) child = &(*value)[index];
            }
            static const json null_value;
            const json &child_value = child ? *child : null_value;
            for (const SchemaNode &node : nodes) {
                const json &s = *node.schema;
                if (value->is_object()) {
                    if (auto props = s.find("properties"); props != s.end() && props->contains(token))
                        expand({&(*props)[token], node.document}, child_value, next);
                    else if (auto extra = s.find("additionalProperties"); extra != s.end() && extra->is_object())
                        expand({&*extra, node.document}, child_value, next);
                } else if (auto items = s.find("items"); items != s.end() && items->is_object()) {
                    expand({&*items, node.document}, child_value, next);
                }
            }
            nodes = std::move(next);
            if (!child) break;
            value = child;
        }
        return nodes;
    }

private:
    std::optional<SchemaNode> resolve(const std::string &ref, const json *document) const
    {
        const std::size_t hash = ref.find('#');
        const std::string file = ref.substr(0, hash);
        const std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
        const json *doc = document;
        if (!file.empty()) {
            doc = fetch_ ? fetch_(file) : nullptr;
            if (!doc) return std::nullopt;
        }
        try {
            return SchemaNode{&doc->at(json::json_pointer(fragment)), doc};
        } catch (const json::exception &) {
            return std::nullopt;
        }
    }

    // 1: the condition holds, 0: it does not, -1: cannot tell.
    static int simple_condition(const json &condition, const json &value)
    {
        const auto props = condition.find("properties");
        if (!condition.is_object() || props == condition.end() || condition.size() != 1 || !value.is_object()) return -1;
        for (const auto &[key, rule] : props->items()) {
            if (!rule.is_object() || !rule.contains("const")) return -1;
            if (!value.contains(key) || value[key] != rule["const"]) return 0;
        }
        return 1;
    }

    const json &root_;
    const SchemaFetcher &fetch_;
};

std::string type_name(const json &v)
{
    switch (v.type()) {
    case json::value_t::null: return "nothing (null)";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "list";
    case json::value_t::object: return "map";
    default: return "value";
    }
}

std::string shown(const json &v)
{
    if (v.is_object()) return "a map";
    if (v.is_array()) return "a list";
    std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return type_name(v) + " " + text;
}

// Reads a keyword from the first subschema that has it.
const json *keyword(const std::vector<SchemaNode> &nodes, const char *name)
{
    for (const SchemaNode &n : nodes)
        if (auto it = n.schema->find(name); it != n.schema->end()) return &*it;
    return nullptr;
}

std::string expected_types(const json &type)
{
    static const std::map<std::string, std::string> names = {
        {"object", "a map"}, {"array", "a list"}, {"string", "a string"}, {"integer", "an integer"},
        {"number", "a number"}, {"boolean", "true or false"}, {"null", "nothing"}};
    if (type.is_string()) return names.count(type) ? names.at(type) : type.get<std::string>();
    std::string text;
    for (const json &t : type) text += (text.empty() ? "" : " or ") + expected_types(t);
    return text;
}

std::string number_text(const json &n) { return n.is_number_integer() ? n.dump() : fmt::format("{:g}", n.get<double>()); }

// Turns valijson's description into "expected ..., found ...", using the
// schema at the pointer for what was expected.
std::string explain(const std::string &description, const std::vector<SchemaNode> &nodes, const json *value)
{
    const std::string found = value ? shown(*value) : "nothing";
    if (description.find("'type' constraint") != std::string::npos)
        if (const json *type = keyword(nodes, "type")) return fmt::format("expected {}, found {}", expected_types(*type), found);
    if (description.find("enum values") != std::string::npos)
        if (const json *options = keyword(nodes, "enum")) {
            std::vector<std::string> words;
            for (const json &o : *options) words.push_back(o.is_string() ? o.get<std::string>() : o.dump());
            std::string message = fmt::format("expected one of {}, found {}", fmt::join(words, ", "), found);
            if (value && value->is_string())
                if (const std::string guess = closest_match(*value, words); !guess.empty())
                    message += fmt::format("; did you mean '{}'?", guess);
            return message;
        }
    if (description.find("'const' constraint") != std::string::npos)
        if (const json *constant = keyword(nodes, "const")) return fmt::format("expected {}, found {}", constant->dump(), found);
    if (description.find("'pattern' constraint") != std::string::npos) {
        // The description next to the pattern says what form is wanted.
        const json *about = nullptr;
        for (const SchemaNode &n : nodes)
            if (n.schema->contains("pattern") && n.schema->contains("description")) about = &(*n.schema)["description"];
        if (!about) about = keyword(nodes, "description");
        return fmt::format("{} does not have the expected form{}", found,
                           about ? ": " + about->get<std::string>() : "");
    }
    if (description.rfind("Expected number", 0) == 0) {
        const json *minimum = keyword(nodes, "minimum");
        const json *maximum = keyword(nodes, "maximum");
        if (!minimum) minimum = keyword(nodes, "exclusiveMinimum");
        if (minimum && maximum)
            return fmt::format("expected a number from {} to {}, found {}", number_text(*minimum), number_text(*maximum), found);
        if (minimum) return fmt::format("expected a number of at least {}, found {}", number_text(*minimum), found);
        if (maximum) return fmt::format("expected a number of at most {}, found {}", number_text(*maximum), found);
    }
    if (description.rfind("String should be no fewer than", 0) == 0) return "must not be empty";
    if (description.rfind("Array should contain no fewer than", 0) == 0)
        if (const json *min = keyword(nodes, "minItems"))
            return fmt::format("expected at least {} item{}, found {}", min->dump(), *min == 1 ? "" : "s",
                               value && value->is_array() ? std::to_string(value->size()) : "none");
    if (description.rfind("Missing required property '", 0) == 0) {
        const std::string key = description.substr(27, description.find('\'', 27) - 27);
        return fmt::format("missing required key '{}'", key);
    }
    return description;
}

// Wrapper messages say only that something below failed.
bool is_wrapper(const std::string &description)
{
    for (const char *prefix : {"Failed to validate against schema associated with property name",
                               "Failed to validate item #", "Failed to validate against a conditional schema",
                               "Failed to validate against any schemas allowed by anyOf",
                               "Failed to validate against child schema", "Failed to validate against additional properties schema",
                               "Object contains a property that could not be validated"})
        if (description.rfind(prefix, 0) == 0) return true;
    return false;
}

std::string pointer_of(const std::vector<std::string> &context)
{
    std::string pointer;
    for (std::size_t i = 1; i < context.size(); ++i) {
        std::string part = context[i];
        if (part.size() >= 4 && part.front() == '[' && part[1] == '"') part = part.substr(2, part.size() - 4);
        else if (part.size() >= 2 && part.front() == '[') part = part.substr(1, part.size() - 2);
        for (std::size_t j = 0; (j = part.find_first_of("~/", j)) != std::string::npos; j += 2)
            part.replace(j, 1, part[j] == '~' ? "~0" : "~1");
        pointer += "/" + part;
    }
    return pointer;
}

void unknown_keys(const SchemaWalker &walker, const json &root_value, const json &value, const std::string &pointer,
                  std::vector<SchemaViolation> &out)
{
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            unknown_keys(walker, root_value, value[i], pointer + "/" + std::to_string(i), out);
        return;
    }
    if (!value.is_object()) return;
    const std::vector<SchemaNode> nodes = walker.at(pointer, root_value);
    bool closed = false;
    std::set<std::string> allowed;
    for (const SchemaNode &n : nodes) {
        if (auto extra = n.schema->find("additionalProperties"); extra != n.schema->end() && *extra == false) closed = true;
        if (auto props = n.schema->find("properties"); props != n.schema->end())
            for (const auto &[key, ignored] : props->items()) allowed.insert(key);
    }
    for (const auto &[key, child] : value.items()) {
        std::string token = key;
        for (std::size_t j = 0; (j = token.find_first_of("~/", j)) != std::string::npos; j += 2)
            token.replace(j, 1, token[j] == '~' ? "~0" : "~1");
        if (closed && !allowed.count(key)) {
            const std::vector<std::string> candidates(allowed.begin(), allowed.end());
            const std::string guess = closest_match(key, candidates);
            out.push_back({pointer + "/" + token, true,
                           !guess.empty()      ? fmt::format("unknown key '{}'; did you mean '{}'?", key, guess)
                           : candidates.empty() ? fmt::format("unknown key '{}'; no keys are allowed here", key)
                                                : fmt::format("unknown key '{}'; allowed here: {}", key,
                                                              fmt::join(candidates, ", "))});
            continue;
        }
        unknown_keys(walker, root_value, child, pointer + "/" + token, out);
    }
}

} // namespace

std::vector<SchemaViolation> check_against_schema(const json &schema, const json &value, const SchemaFetcher &fetch)
{
    valijson::Schema compiled;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
    parser.populateSchema(
        schema_adapter, compiled,
        [&](const std::string &uri) -> const json * { return fetch ? fetch(uri) : nullptr; },
        [](const json *) {});

    std::vector<SchemaViolation> violations;
    const SchemaWalker walker(schema, fetch);
    unknown_keys(walker, value, value, "", violations);
    std::set<std::string> reported;
    for (const auto &v : violations) reported.insert(v.pointer);

    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter value_adapter(value);
    if (validator.validate(compiled, value_adapter, &results)) return violations;

    std::vector<std::pair<std::string, std::string>> errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) errors.emplace_back(pointer_of(error.context), error.description);
    const bool all_wrappers = std::all_of(errors.begin(), errors.end(), [](const auto &e) { return is_wrapper(e.second); });
    // Only "something below failed" left, and an unknown key explains it.
    if (all_wrappers && !violations.empty()) return violations;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto &[pointer, description] : errors) {
        if (!all_wrappers && is_wrapper(description)) continue;
        if (reported.count(pointer)) continue;   // an unknown key below already explains it
        const json *at = nullptr;
        try {
            at = &value.at(json::json_pointer(pointer));
        } catch (const json::exception &) {
        }
        std::string message = explain(description, walker.at(pointer, value), at);
        if (seen.insert({pointer, message}).second) violations.push_back({pointer, false, std::move(message)});
    }
    return violations;
}

const json *builtin_schema(std::string_view file_name)
{
    static const std::map<std::string, json, std::less<>> parsed = [] {
        std::map<std::string, json, std::less<>> all;
        for (std::size_t i = 0; i < detail::embedded_schemas_count; ++i)
            all.emplace(std::string(detail::embedded_schemas[i].name), json::parse(detail::embedded_schemas[i].text));
        return all;
    }();
    const auto slash = file_name.rfind('/');
    if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
    auto it = parsed.find(file_name);
    return it == parsed.end() ? nullptr : &it->second;
}

} // namespace servicelens::config
