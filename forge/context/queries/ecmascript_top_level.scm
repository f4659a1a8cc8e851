; Shared by javascript, typescript and tsx (languages.py appends it to their own query).

; Top-level `const f = () => ...` / `= function` (and var/let) are functions, `const X = class ...` a class,
; any other top-level `const X = ...` a constant. The constant patterns match those declarators too and must come
; after: for one node, the extractor keeps the earliest pattern's match (a list of every other kind of value
; would do the same at three times the cost).
(program (lexical_declaration (variable_declarator
  name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))
(program (export_statement declaration: (lexical_declaration (variable_declarator
  name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)))
(program (variable_declaration (variable_declarator
  name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))
(program (lexical_declaration (variable_declarator name: (identifier) @name value: (class)) @definition.class))
(program (export_statement declaration: (lexical_declaration (variable_declarator
  name: (identifier) @name value: (class)) @definition.class)))
(program (lexical_declaration kind: "const" (variable_declarator
  name: (identifier) @name value: (_)) @definition.constant))
(program (export_statement declaration: (lexical_declaration kind: "const" (variable_declarator
  name: (identifier) @name value: (_)) @definition.constant)))
; CommonJS: `exports.f = function ...`, `module.exports.f = (...) => ...`
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function))
