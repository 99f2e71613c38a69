#include "runtime/pickle.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "runtime/error.h"

namespace antialiased {
namespace {

// Storage classes a persistent id may name, and their element types.
const std::map<std::string, DType> kStorageTypes = {
    {"torch.FloatStorage", DType::kFloat32}, {"torch.DoubleStorage", DType::kFloat64},
    {"torch.HalfStorage", DType::kFloat16},  {"torch.BFloat16Storage", DType::kBFloat16},
    {"torch.LongStorage", DType::kInt64},    {"torch.IntStorage", DType::kInt32},
    {"torch.ShortStorage", DType::kInt16},   {"torch.CharStorage", DType::kInt8},
    {"torch.ByteStorage", DType::kUInt8},    {"torch.BoolStorage", DType::kBool},
};

// The only callables a checkpoint may name: what a state_dict (and a training checkpoint) needs.
bool allowed_global(const std::string &name) {
    return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
           name == "torch._utils._rebuild_tensor" || name == "torch._utils._rebuild_parameter" ||
           kStorageTypes.count(name) > 0;
}

constexpr int kMaxDepth = 100;  // levels of containers in one pickle

// The pickle machine. Each opcode is checked against the bytes left and the stack; every failure is an Error
// naming the file, the opcode and its offset.
class Unpickler {
  public:
    Unpickler(std::string_view bytes, size_t at, const std::string &source)
        : bytes_(bytes), at_(at), source_(source) {}

    ValuePtr run(size_t *end) {
        while (true) {
            if (at_ >= bytes_.size()) fail("truncated pickle (no STOP)");
            op_at_ = at_;
            const unsigned char op = static_cast<unsigned char>(bytes_[at_++]);
            if (op == '.') {  // STOP
                if (stack_.size() != 1 || !marks_.empty()) fail("malformed pickle (stack at STOP)");
                *end = at_;
                return stack_.back();
            }
            step(op);
        }
    }

  private:
    [[noreturn]] void fail(const std::string &what) const {
        throw Error(source_ + ": " + what + " (pickle byte " + std::to_string(op_at_) + ")");
    }
    std::string_view take(uint64_t n) {
        if (n > bytes_.size() - at_) fail("truncated pickle");
        std::string_view s = bytes_.substr(at_, n);
        at_ += n;
        return s;
    }
    uint64_t le(int width) {
        const std::string_view s = take(width);
        uint64_t v = 0;
        for (int i = width - 1; i >= 0; i--) v = v << 8 | static_cast<unsigned char>(s[i]);
        return v;
    }
    std::string line() {
        const size_t end = bytes_.find('\n', at_);
        if (end == std::string_view::npos) fail("truncated pickle");
        std::string s(bytes_.substr(at_, end - at_));
        at_ = end + 1;
        return s;
    }
    ValuePtr pop() {
        if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("malformed pickle (stack underflow)");
        ValuePtr v = stack_.back();
        stack_.pop_back();
        return v;
    }
    ValuePtr &top() {
        if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("malformed pickle (stack underflow)");
        return stack_.back();
    }
    std::vector<ValuePtr> pop_to_mark() {
        if (marks_.empty()) fail("malformed pickle (no MARK)");
        std::vector<ValuePtr> items(stack_.begin() + marks_.back(), stack_.end());
        stack_.resize(marks_.back());
        marks_.pop_back();
        return items;
    }
    Value &expect(const ValuePtr &v, Value::Kind kind, const char *what) {
        if (v->kind != kind) fail(std::string("malformed pickle (") + what + " on a " + v->kind_name() + ")");
        return *v;
    }
    // `child`, now inside `container`: a pickle of a state_dict nests a few levels, and each container is filled
    // before it is placed in another; a deeper nesting (whose destruction alone could overflow the stack) or a
    // container changed once placed (the only way to build a cycle) is refused.
    void adopt(Value &container, const ValuePtr &child) {
        if (child.get() == &container) fail("malformed pickle (a container inside itself)");
        child->contained = true;
        container.depth = std::max(container.depth, child->depth + 1);
        if (container.depth > kMaxDepth) fail("pickle nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    // A new container, its contents adopted.
    ValuePtr adopting(ValuePtr container) {
        for (const ValuePtr &item : container->items) adopt(*container, item);
        for (const auto &[key, value] : container->entries) adopt(*container, key), adopt(*container, value);
        return container;
    }
    // The container at the top of the stack, to be filled.
    Value &open_container(Value::Kind kind, const char *what) {
        Value &container = expect(top(), kind, what);
        if (container.contained) fail(std::string("malformed pickle (") + what + " on a container already placed)");
        return container;
    }
    void add_entries(Value &dict, const std::vector<ValuePtr> &items) {
        if (items.size() % 2) fail("malformed pickle (odd SETITEMS)");
        for (size_t i = 0; i < items.size(); i += 2) {
            adopt(dict, items[i]);
            adopt(dict, items[i + 1]);
            dict.entries.emplace_back(items[i], items[i + 1]);
        }
    }
    void push_global(const std::string &module, const std::string &name) {
        const std::string full = module + "." + name;
        if (!allowed_global(full)) {
            fail("refused to unpickle global '" + full +
                 "': a checkpoint may only hold state_dict contents (OrderedDict, tensors, plain values)");
        }
        auto v = std::make_shared<Value>();
        v->kind = Value::Kind::kGlobal;
        v->text = full;
        stack_.push_back(v);
    }
    int64_t as_int(const ValuePtr &v, const char *what) {
        if (v->kind == Value::Kind::kInt) return v->integer;
        if (v->kind == Value::Kind::kBool) return v->boolean;
        fail(std::string("malformed tensor (") + what + " is a " + v->kind_name() + ")");
    }
    std::vector<int64_t> int_tuple(const ValuePtr &v, const char *what) {
        if (v->kind != Value::Kind::kTuple && v->kind != Value::Kind::kList) {
            fail(std::string("malformed tensor (") + what + " is a " + v->kind_name() + ")");
        }
        std::vector<int64_t> out;
        for (const ValuePtr &item : v->items) out.push_back(as_int(item, what));
        return out;
    }
    ValuePtr reduce(const ValuePtr &callable, const ValuePtr &args) {
        expect(callable, Value::Kind::kGlobal, "REDUCE");
        expect(args, Value::Kind::kTuple, "REDUCE arguments");
        const std::string &name = callable->text;
        const std::vector<ValuePtr> &a = args->items;
        if (name == "collections.OrderedDict") {
            auto dict = Value::dict(true);
            if (!a.empty()) {  // OrderedDict([(key, value), ...])
                for (const ValuePtr &pair : expect(a[0], Value::Kind::kList, "OrderedDict").items) {
                    if (pair->kind != Value::Kind::kTuple || pair->items.size() != 2) fail("malformed OrderedDict");
                    dict->entries.emplace_back(pair->items[0], pair->items[1]);
                }
            }
            return adopting(dict);
        }
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
            if (a.size() < 4) fail("malformed tensor (too few arguments)");
            TensorRef t;
            t.storage = expect(a[0], Value::Kind::kStorage, "tensor storage").storage;
            t.offset = as_int(a[1], "offset");
            t.shape = int_tuple(a[2], "size");
            t.stride = int_tuple(a[3], "stride");
            if (t.shape.size() != t.stride.size()) fail("malformed tensor (size and stride ranks differ)");
            return Value::of(t);
        }
        if (name == "torch._utils._rebuild_parameter") {  // Parameter(data): the data is all we need
            if (a.empty() || a[0]->kind != Value::Kind::kTensor) fail("malformed parameter");
            return a[0];
        }
        fail("refused to call '" + name + "'");  // storage classes are only valid inside persistent ids
    }
    ValuePtr persistent_load(const ValuePtr &pid) {
        // ('storage', storage_class, key, location, numel[, view_metadata])
        if (pid->kind != Value::Kind::kTuple || pid->items.size() < 5 || pid->items[0]->kind != Value::Kind::kString ||
            pid->items[0]->text != "storage" || pid->items[1]->kind != Value::Kind::kGlobal ||
            !kStorageTypes.count(pid->items[1]->text)) {
            fail("unsupported persistent id (only tensor storages are allowed)");
        }
        auto v = std::make_shared<Value>();
        v->kind = Value::Kind::kStorage;
        v->storage.dtype = kStorageTypes.at(pid->items[1]->text);
        const ValuePtr &key = pid->items[2];
        v->storage.key = key->kind == Value::Kind::kString ? key->text : std::to_string(as_int(key, "storage key"));
        v->storage.numel = as_int(pid->items[4], "storage size");
        if (v->storage.numel < 0) fail("malformed storage size");
        return v;
    }
    void memo_put(uint64_t index) {
        if (index > (uint64_t(1) << 32)) fail("malformed pickle (memo index)");
        memo_[index] = top();
    }
    ValuePtr memo_get(uint64_t index) {
        const auto it = memo_.find(index);
        if (it == memo_.end()) fail("malformed pickle (unknown memo " + std::to_string(index) + ")");
        return it->second;
    }

    void step(unsigned char op) {
        switch (op) {
            case 0x80: take(1); return;                              // PROTO
            case 0x95: take(8); return;                              // FRAME
            case '(': marks_.push_back(stack_.size()); return;       // MARK
            case '0': pop(); return;                                 // POP
            case '1': pop_to_mark(); return;                         // POP_MARK
            case '2': stack_.push_back(top()); return;               // DUP
            case 'N': stack_.push_back(Value::none()); return;
            case 0x88: stack_.push_back(Value::of(true)); return;    // NEWTRUE
            case 0x89: stack_.push_back(Value::of(false)); return;   // NEWFALSE
            case 'J': stack_.push_back(Value::of(int64_t(int32_t(le(4))))); return;  // BININT
            case 'K': stack_.push_back(Value::of(int64_t(le(1)))); return;           // BININT1
            case 'M': stack_.push_back(Value::of(int64_t(le(2)))); return;           // BININT2
            case 'I': {                                                               // INT (text)
                const std::string s = line();
                if (s == "00" || s == "01") {
                    stack_.push_back(Value::of(s == "01"));
                } else {
                    try {
                        stack_.push_back(Value::of(int64_t(std::stoll(s))));
                    } catch (const std::exception &) {
                        fail("malformed INT");
                    }
                }
                return;
            }
            case 0x8a: case 0x8b: {  // LONG1, LONG4: little-endian two's complement
                const uint64_t n = le(op == 0x8a ? 1 : 4);
                const std::string_view digits = take(n);
                if (n > 8) fail("integer wider than 64 bits");
                uint64_t v = 0;
                for (size_t i = n; i-- > 0;) v = v << 8 | static_cast<unsigned char>(digits[i]);
                if (n > 0 && n < 8 && (static_cast<unsigned char>(digits[n - 1]) & 0x80)) v |= ~uint64_t(0) << (8 * n);
                stack_.push_back(Value::of(int64_t(v)));
                return;
            }
            case 'G': {  // BINFLOAT, big-endian
                const std::string_view s = take(8);
                uint64_t bits = 0;
                for (char c : s) bits = bits << 8 | static_cast<unsigned char>(c);
                double d;
                std::memcpy(&d, &bits, 8);
                stack_.push_back(Value::of(d));
                return;
            }
            case 'X': stack_.push_back(Value::of(std::string(take(le(4))))); return;     // BINUNICODE
            case 0x8c: stack_.push_back(Value::of(std::string(take(le(1))))); return;    // SHORT_BINUNICODE
            case 0x8d: stack_.push_back(Value::of(std::string(take(le(8))))); return;    // BINUNICODE8
            case 'T': case 'U': case 'B': case 'C': case 0x8e: {  // BINSTRING, SHORT_BINSTRING, BINBYTES(8)
                const int width = op == 'U' || op == 'C' ? 1 : op == 0x8e ? 8 : 4;
                auto v = Value::of(std::string(take(le(width))));
                if (op != 'T' && op != 'U') v->kind = Value::Kind::kBytes;
                stack_.push_back(v);
                return;
            }
            case '}': stack_.push_back(Value::dict()); return;        // EMPTY_DICT
            case ']': stack_.push_back(Value::list()); return;        // EMPTY_LIST
            case ')': stack_.push_back(Value::tuple()); return;       // EMPTY_TUPLE
            case 't': stack_.push_back(adopting(Value::tuple(pop_to_mark()))); return;  // TUPLE
            case 'l': stack_.push_back(adopting(Value::list(pop_to_mark()))); return;   // LIST
            case 0x85: case 0x86: case 0x87: {                                 // TUPLE1, 2, 3
                std::vector<ValuePtr> items(op - 0x84);
                for (size_t i = items.size(); i-- > 0;) items[i] = pop();
                stack_.push_back(adopting(Value::tuple(std::move(items))));
                return;
            }
            case 'd': {  // DICT
                auto dict = Value::dict();
                add_entries(*dict, pop_to_mark());
                stack_.push_back(dict);
                return;
            }
            case 'a': {  // APPEND
                ValuePtr v = pop();
                Value &list = open_container(Value::Kind::kList, "APPEND");
                adopt(list, v);
                list.items.push_back(v);
                return;
            }
            case 'e': {  // APPENDS
                std::vector<ValuePtr> items = pop_to_mark();
                Value &list = open_container(Value::Kind::kList, "APPENDS");
                for (const ValuePtr &item : items) adopt(list, item);
                list.items.insert(list.items.end(), items.begin(), items.end());
                return;
            }
            case 's': {  // SETITEM
                ValuePtr value = pop(), key = pop();
                add_entries(open_container(Value::Kind::kDict, "SETITEM"), {key, value});
                return;
            }
            case 'u': {  // SETITEMS
                std::vector<ValuePtr> items = pop_to_mark();
                add_entries(open_container(Value::Kind::kDict, "SETITEMS"), items);
                return;
            }
            case 'q': memo_put(le(1)); return;                   // BINPUT
            case 'r': memo_put(le(4)); return;                   // LONG_BINPUT
            case 0x94: memo_put(memo_.size()); return;           // MEMOIZE
            case 'h': stack_.push_back(memo_get(le(1))); return; // BINGET
            case 'j': stack_.push_back(memo_get(le(4))); return; // LONG_BINGET
            case 'c': {                                          // GLOBAL "module\nname\n"
                const std::string module = line();
                push_global(module, line());
                return;
            }
            case 0x93: {  // STACK_GLOBAL
                ValuePtr name = pop(), module = pop();
                if (module->kind != Value::Kind::kString || name->kind != Value::Kind::kString) fail("malformed STACK_GLOBAL");
                push_global(module->text, name->text);
                return;
            }
            case 'R': {  // REDUCE
                ValuePtr args = pop(), callable = pop();
                stack_.push_back(reduce(callable, args));
                return;
            }
            case 'Q': stack_.push_back(persistent_load(pop())); return;  // BINPERSID
            case 'b': {  // BUILD: an OrderedDict's __dict__ (state_dict._metadata) or a tensor's state; unused
                pop();
                const Value::Kind kind = top()->kind;
                if (kind != Value::Kind::kDict && kind != Value::Kind::kTensor) fail("refused BUILD on a " + top()->kind_name());
                return;
            }
            default: {
                char hex[8];
                std::snprintf(hex, sizeof(hex), "0x%02x", op);
                fail(std::string("unsupported pickle opcode ") + hex);
            }
        }
    }

    std::string_view bytes_;
    size_t at_, op_at_ = 0;
    const std::string &source_;
    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::map<uint64_t, ValuePtr> memo_;
};

// Protocol 2, as torch.save writes it.
class Pickler {
  public:
    std::string run(const Value &root) {
        out_ += "\x80\x02";
        write(root);
        out_ += '.';
        return std::move(out_);
    }

  private:
    void le(uint64_t v, int width) {
        for (int i = 0; i < width; i++) out_.push_back(static_cast<char>(v >> (8 * i) & 0xff));
    }
    void string(const std::string &s) {
        out_ += 'X';
        le(s.size(), 4);
        out_ += s;
    }
    void integer(int64_t v) {
        if (v >= 0 && v < 256) {
            out_ += 'K';
            le(uint64_t(v), 1);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            out_ += 'J';
            le(uint32_t(int32_t(v)), 4);
        } else {
            out_ += '\x8a';
            out_ += '\x08';
            le(uint64_t(v), 8);
        }
    }
    void global(const char *module_and_name) {
        out_ += 'c';
        out_ += module_and_name;
    }
    void ints(const std::vector<int64_t> &values) {
        out_ += '(';
        for (int64_t v : values) integer(v);
        out_ += 't';
    }
    void write(const Value &v) {
        switch (v.kind) {
            case Value::Kind::kNone: out_ += 'N'; return;
            case Value::Kind::kBool: out_ += v.boolean ? '\x88' : '\x89'; return;
            case Value::Kind::kInt: integer(v.integer); return;
            case Value::Kind::kFloat: {
                uint64_t bits;
                std::memcpy(&bits, &v.real, 8);
                out_ += 'G';
                for (int i = 7; i >= 0; i--) out_.push_back(static_cast<char>(bits >> (8 * i) & 0xff));
                return;
            }
            case Value::Kind::kString: string(v.text); return;
            case Value::Kind::kBytes:
                out_ += 'B';
                le(v.text.size(), 4);
                out_ += v.text;
                return;
            case Value::Kind::kList:
                out_ += "](";
                for (const ValuePtr &item : v.items) write(*item);
                out_ += 'e';
                return;
            case Value::Kind::kTuple:
                out_ += '(';
                for (const ValuePtr &item : v.items) write(*item);
                out_ += 't';
                return;
            case Value::Kind::kDict:
                if (v.ordered) {
                    global("collections\nOrderedDict\n");
                    out_ += ")R";
                } else {
                    out_ += '}';
                }
                out_ += '(';
                for (const auto &[key, value] : v.entries) {
                    write(*key);
                    write(*value);
                }
                out_ += 'u';
                return;
            case Value::Kind::kTensor: {
                const TensorRef &t = v.tensor;
                global("torch._utils\n_rebuild_tensor_v2\n");
                out_ += "((";  // the arguments, then the persistent id
                string("storage");
                global(("torch\n" + storage_class(t.storage.dtype) + "\n").c_str());
                string(t.storage.key);
                string("cpu");
                integer(t.storage.numel);
                out_ += "tQ";
                integer(t.offset);
                ints(t.shape);
                ints(t.stride);
                out_ += '\x89';  // requires_grad False
                global("collections\nOrderedDict\n");
                out_ += ")R";    // backward_hooks
                out_ += "tR";
                return;
            }
            case Value::Kind::kStorage:
            case Value::Kind::kGlobal:
                throw Error("cannot pickle a bare " + v.kind_name());
        }
    }
    static std::string storage_class(DType type) {
        for (const auto &[name, dtype] : kStorageTypes) {
            if (dtype == type) return name.substr(6);  // drop "torch."
        }
        return "FloatStorage";
    }

    std::string out_;
};

}  // namespace

size_t dtype_size(DType type) {
    switch (type) {
        case DType::kFloat64: case DType::kInt64: return 8;
        case DType::kFloat32: case DType::kInt32: return 4;
        case DType::kFloat16: case DType::kBFloat16: case DType::kInt16: return 2;
        case DType::kInt8: case DType::kUInt8: case DType::kBool: return 1;
    }
    return 1;
}

int64_t TensorRef::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

ValuePtr Value::none() { return std::make_shared<Value>(); }
ValuePtr Value::of(bool value) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kBool;
    v->boolean = value;
    return v;
}
ValuePtr Value::of(int64_t value) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kInt;
    v->integer = value;
    return v;
}
ValuePtr Value::of(double value) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kFloat;
    v->real = value;
    return v;
}
ValuePtr Value::of(const std::string &text) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kString;
    v->text = text;
    return v;
}
ValuePtr Value::list(std::vector<ValuePtr> items) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kList;
    v->items = std::move(items);
    return v;
}
ValuePtr Value::tuple(std::vector<ValuePtr> items) {
    auto v = list(std::move(items));
    v->kind = Kind::kTuple;
    return v;
}
ValuePtr Value::dict(bool ordered) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kDict;
    v->ordered = ordered;
    return v;
}
ValuePtr Value::of(const TensorRef &tensor) {
    auto v = std::make_shared<Value>();
    v->kind = Kind::kTensor;
    v->tensor = tensor;
    return v;
}

ValuePtr Value::get(const std::string &key) const {
    for (const auto &[k, value] : entries) {
        if (k->kind == Kind::kString && k->text == key) return value;
    }
    return nullptr;
}

void Value::set(const std::string &key, ValuePtr value) { entries.emplace_back(Value::of(key), std::move(value)); }

std::string Value::kind_name() const {
    static const char *names[] = {"None", "bool",   "int",    "float",   "str",   "bytes",
                                  "list", "tuple",  "dict",   "tensor",  "storage", "global"};
    return names[int(kind)];
}

ValuePtr unpickle(std::string_view bytes, size_t start, size_t *end, const std::string &source) {
    return Unpickler(bytes, start, source).run(end);
}

std::string pickle(const Value &root) { return Pickler().run(root); }

}  // namespace antialiased
