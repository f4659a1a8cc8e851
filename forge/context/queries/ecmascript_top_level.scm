; Shared by javascript, typescript and tsx (languages.py appends it to their own query).

; Top-level `const f = () => ...` / `= function` (and var/let) are functions, `const X = class ...` a class,
; any other top-level `const X = ...` a constant. The constant patterns match those declarators too and must come
; after: for one node, the extractor keeps the earliest pattern's match (a list of every other kind of value
; would do the same at three times the cost).
; A function's signature ends at its @body (`f = (a: T): R =>`); a constant's is the whole declarator (`X = 5`).
(program (lexical_declaration (variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)
  ]) @definition.function))
(program (export_statement declaration: (lexical_declaration (variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)
  ]) @definition.function)))
(program (variable_declaration (variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)
  ]) @definition.function))
(program (lexical_declaration (variable_declarator name: (identifier) @name value: (class body: (_) @body))
  @definition.class))
(program (export_statement declaration: (lexical_declaration (variable_declarator
  name: (identifier) @name value: (class body: (_) @body)) @definition.class)))
(program (lexical_declaration kind: "const" (variable_declarator
  name: (identifier) @name value: (_)) @definition.constant))
(program (export_statement declaration: (lexical_declaration kind: "const" (variable_declarator
  name: (identifier) @name value: (_)) @definition.constant)))
; CommonJS: `exports.f = function ...`, `module.exports.f = (...) => ...`
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @definition.function))
