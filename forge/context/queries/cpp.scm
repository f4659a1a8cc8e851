; Functions and methods. The name sits inside the declarator: f(...), *f(...), **f(...), &f(...), (*f(...))(...);
; a member's name is a field_identifier, ~A a destructor_name, operator== an operator_name.
; Inside a class (in-class definitions and member declarations alike) a function becomes a method.
(function_definition
  declarator: [
    (function_declarator declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator
      declarator: [(identifier) (field_identifier)] @name)))
    (reference_declarator (function_declarator declarator: [(identifier) (field_identifier) (operator_name)] @name))
    (function_declarator declarator: (parenthesized_declarator
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))))
  ]) @definition.function
(declaration
  declarator: [
    (function_declarator declarator: [(identifier) (destructor_name) (operator_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
  ]) @definition.function
(field_declaration
  declarator: [
    (function_declarator declarator: [(field_identifier) (operator_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: (field_identifier) @name))
    (reference_declarator (function_declarator declarator: [(field_identifier) (operator_name)] @name))
  ]) @definition.function

; Out-of-class definitions `R Foo::bar(...)`, `ns::Foo<T>::bar`: a method bar of Foo (ns.Foo). The whole
; qualified name is the @qualifier: the extractor keeps what precedes the name, without template arguments
(function_definition
  declarator: [
    (function_declarator declarator: (qualified_identifier name: [
      (identifier) @name (destructor_name) @name (operator_name) @name
      (qualified_identifier name: [(identifier) (destructor_name) (operator_name)] @name)
      (qualified_identifier name: (qualified_identifier name: [(identifier) (destructor_name) (operator_name)] @name))
      ]) @qualifier)
    (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier name: [
      (identifier) @name
      (qualified_identifier name: (identifier) @name)]) @qualifier))
    (reference_declarator (function_declarator declarator: (qualified_identifier name: [
      (identifier) @name (operator_name) @name
      (qualified_identifier name: [(identifier) (operator_name)] @name)]) @qualifier))
  ]) @definition.method

; Classes and other tagged types with a body (a bare `struct node *p` is a reference);
; a specialization `class Foo<int> {...}` is named Foo
(class_specifier
  name: [(type_identifier) @name (template_type name: (type_identifier) @name)] body: (_)) @definition.class
(struct_specifier
  name: [(type_identifier) @name (template_type name: (type_identifier) @name)] body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

; A namespace only names what it holds (`namespace a::b` is b)
(namespace_definition
  name: [(namespace_identifier) @name (nested_namespace_specifier (namespace_identifier) @name .)]) @scope.namespace

; Type aliases: `using T = ...`, and typedefs as in C: `typedef struct {...} T` is the struct T; in
; `typedef struct tag {...} T` the struct is `tag`, and the type T is just its name
(alias_declaration name: (type_identifier) @name) @definition.type
(type_definition type: (struct_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.struct
(type_definition type: (union_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.union
(type_definition type: (enum_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.enum
(type_definition type: (class_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.class
(type_definition
  type: [
    (struct_specifier name: (_) body: (_)) (union_specifier name: (_) body: (_))
    (enum_specifier name: (_) body: (_)) (class_specifier name: (_) body: (_))
  ]
  declarator: (type_identifier) @name @definition.type)
(type_definition
  type: [
    (primitive_type) (sized_type_specifier) (type_identifier) (qualified_identifier) (template_type)
    (placeholder_type_specifier) (decltype) (dependent_type)
    (struct_specifier !body) (union_specifier !body) (enum_specifier !body) (class_specifier !body)
  ]
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
    (array_declarator declarator: (type_identifier) @name)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))
  ]) @definition.type

; Constants: object-like macros with a value (not include guards), function-like macros, enumerators,
; const/constexpr variables at file or namespace level, static const/constexpr members
(preproc_def name: (identifier) @name value: (_)) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
(enumerator name: (identifier) @name) @definition.constant
(translation_unit
  (declaration (type_qualifier ["const" "constexpr"])
    declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)
(declaration_list
  (declaration (type_qualifier ["const" "constexpr"])
    declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)
(field_declaration (storage_class_specifier "static") (type_qualifier ["const" "constexpr"])
  declarator: (field_identifier) @name default_value: (_)) @definition.constant

; References: calls (plain, member, qualified, templated), constructed and named types, class qualifiers
(call_expression function: (identifier) @reference)
(call_expression function: (field_expression field: (field_identifier) @reference))
(call_expression function: (qualified_identifier name: (identifier) @reference))
(call_expression function: (qualified_identifier name: (qualified_identifier name: (identifier) @reference)))
(call_expression function: (template_function name: (identifier) @reference))
(call_expression function: (qualified_identifier name: (template_function name: (identifier) @reference)))
(call_expression function: (field_expression field: (template_method name: (field_identifier) @reference)))
(qualified_identifier scope: (namespace_identifier) @reference)
(qualified_identifier name: (type_identifier) @reference)
(template_type name: (type_identifier) @reference)
(argument_list (identifier) @reference)
(base_class_clause (type_identifier) @reference)
(new_expression type: (type_identifier) @reference)
(declaration type: (type_identifier) @reference)
(parameter_declaration type: (type_identifier) @reference)
(optional_parameter_declaration type: (type_identifier) @reference)
(field_declaration type: (type_identifier) @reference)
(function_definition type: (type_identifier) @reference)
(type_definition type: (type_identifier) @reference)
(type_descriptor type: (type_identifier) @reference)
(struct_specifier name: (type_identifier) @reference !body)
(class_specifier name: (type_identifier) @reference !body)
(union_specifier name: (type_identifier) @reference !body)
(enum_specifier name: (type_identifier) @reference !body)
